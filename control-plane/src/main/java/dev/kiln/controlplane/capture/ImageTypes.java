package dev.kiln.controlplane.capture;

import java.util.Optional;

/** The media type of a captured image, from its first bytes (a node's word for it is not trusted). */
final class ImageTypes {

    private ImageTypes() {
    }

    static Optional<String> sniff(byte[] bytes) {
        if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xd8 && (bytes[2] & 0xff) == 0xff) {
            return Optional.of("image/jpeg");
        }
        if (bytes.length >= 8 && (bytes[0] & 0xff) == 0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G') {
            return Optional.of("image/png");
        }
        return Optional.empty();
    }
}
