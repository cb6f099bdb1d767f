package dev.kiln.cli;

import java.io.FileNotFoundException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** A multipart/form-data body whose file part is streamed from disk, never read whole into memory. */
final class Multipart {
    private final String boundary = "kiln-" + UUID.randomUUID();
    private final List<Part> parts = new ArrayList<>();

    private sealed interface Part permits Field, FilePart {
    }

    private record Field(String name, String value, String type) implements Part {
    }

    private record FilePart(String name, Path file) implements Part {
    }

    Multipart field(String name, String value) {
        parts.add(new Field(name, value, null));
        return this;
    }

    Multipart json(String name, String value) {
        parts.add(new Field(name, value, "application/json"));
        return this;
    }

    Multipart file(String name, Path file) {
        parts.add(new FilePart(name, file));
        return this;
    }

    String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    BodyPublisher publisher() {
        List<BodyPublisher> pieces = new ArrayList<>();
        for (Part part : parts) {
            switch (part) {
                case Field f -> pieces.add(text(head(f.name(), null, f.type()) + f.value() + "\r\n"));
                case FilePart f -> {
                    pieces.add(text(head(f.name(), f.file().getFileName().toString(), "application/octet-stream")));
                    pieces.add(ofFile(f.file()));
                    pieces.add(text("\r\n"));
                }
            }
        }
        pieces.add(text("--" + boundary + "--\r\n"));
        return HttpRequest.BodyPublishers.concat(pieces.toArray(BodyPublisher[]::new));
    }

    private String head(String name, String filename, String type) {
        return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\""
                + (filename == null ? "" : "; filename=\"" + filename.replace("\"", "") + "\"") + "\r\n"
                + (type == null ? "" : "Content-Type: " + type + "\r\n") + "\r\n";
    }

    private static BodyPublisher text(String s) {
        return HttpRequest.BodyPublishers.ofString(s, StandardCharsets.UTF_8);
    }

    private static BodyPublisher ofFile(Path file) {
        try {
            return HttpRequest.BodyPublishers.ofFile(file);
        } catch (FileNotFoundException e) {
            throw CliException.usage("no such file: " + file);
        }
    }
}
