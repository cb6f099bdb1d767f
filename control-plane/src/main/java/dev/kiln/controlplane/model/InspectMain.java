package dev.kiln.controlplane.model;

import dev.kiln.onnx.DescriptorOverrides;
import dev.kiln.onnx.InvalidModelException;
import dev.kiln.onnx.ModelInspector;
import dev.kiln.onnx.OrtNatives;
import io.micronaut.serde.ObjectMapper;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The short-lived child process {@link ModelValidator} runs per upload: it opens the untrusted file with ONNX
 * Runtime, so a model that exhausts memory or never finishes takes only this process with it. Arguments: the ONNX
 * file, the overrides JSON file, the result file, the ONNX Runtime native cache. Exit 0 writes the descriptor JSON,
 * {@link #INVALID} the reason the model was refused.
 */
public final class InspectMain {

    static final int INVALID = 3;
    static final int OUT_OF_MEMORY = 4;

    private InspectMain() {
    }

    public static void main(String[] args) throws Exception {
        ObjectMapper json = ObjectMapper.getDefault();
        DescriptorOverrides overrides = json.readValue(Files.readAllBytes(Path.of(args[1])), DescriptorOverrides.class);
        OrtNatives.prepare(Path.of(args[3]));
        try {
            Files.write(Path.of(args[2]), json.writeValueAsBytes(ModelInspector.inspect(Path.of(args[0]), overrides)));
            System.exit(0);
        } catch (InvalidModelException e) {
            Files.writeString(Path.of(args[2]), e.getMessage());
            System.exit(allocationFailed(e) ? OUT_OF_MEMORY : INVALID);
        }
    }

    /** ONNX Runtime reports a failed allocation as an error rather than dying: it is the memory limit all the same. */
    private static boolean allocationFailed(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (message.contains("bad_alloc") || message.contains("bad allocation") || message.contains("allocate")) {
                return true;
            }
        }
        return false;
    }
}
