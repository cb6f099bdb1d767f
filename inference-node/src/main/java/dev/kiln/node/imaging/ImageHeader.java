package dev.kiln.node.imaging;

import java.util.Optional;

/**
 * Format and size read from the first bytes of an image, so the pixel limit is enforced before a decoder allocates
 * anything (a 900-megapixel PNG of a few kilobytes is refused in microseconds).
 */
public record ImageHeader(ImageFormat format, int width, int height) {

    public long pixels() {
        return (long) width * height;
    }

    /** Empty when the bytes are not one of the accepted formats, or are too short to say. */
    public static Optional<ImageHeader> read(byte[] b) {
        try {
            if (startsWith(b, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
                return png(b);
            }
            if (startsWith(b, 0xFF, 0xD8)) {
                return jpeg(b);
            }
            if (startsWith(b, 'B', 'M')) {
                return bmp(b);
            }
            if (startsWith(b, 'R', 'I', 'F', 'F') && b.length >= 16 && b[8] == 'W' && b[9] == 'E' && b[10] == 'B'
                    && b[11] == 'P') {
                return webp(b);
            }
        } catch (ArrayIndexOutOfBoundsException truncated) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** Whether the bytes start like an accepted format, even if the header is cut short. */
    public static boolean looksLikeImage(byte[] b) {
        return startsWith(b, 0x89, 'P', 'N', 'G') || startsWith(b, 0xFF, 0xD8) || startsWith(b, 'B', 'M')
                || startsWith(b, 'R', 'I', 'F', 'F');
    }

    private static Optional<ImageHeader> png(byte[] b) {
        // IHDR is the first chunk: length(4) "IHDR"(4) width(4) height(4).
        if (b[12] != 'I' || b[13] != 'H' || b[14] != 'D' || b[15] != 'R') {
            return Optional.empty();
        }
        return of(ImageFormat.PNG, be32(b, 16), be32(b, 20));
    }

    private static Optional<ImageHeader> jpeg(byte[] b) {
        int i = 2;
        while (i + 3 < b.length) {
            if ((b[i] & 0xFF) != 0xFF) {
                return Optional.empty();
            }
            int marker = b[i + 1] & 0xFF;
            if (marker == 0xFF) {
                i++; // fill byte
                continue;
            }
            if (marker == 0xD8 || marker == 0x01 || marker >= 0xD0 && marker <= 0xD7) {
                i += 2; // markers without a length
                continue;
            }
            if (marker == 0xD9 || marker == 0xDA) {
                return Optional.empty(); // end of image or scan before any frame header
            }
            int length = be16(b, i + 2);
            boolean frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (frame) {
                return of(ImageFormat.JPEG, be16(b, i + 7), be16(b, i + 5));
            }
            i += 2 + length;
        }
        return Optional.empty();
    }

    private static Optional<ImageHeader> bmp(byte[] b) {
        int dibSize = le32(b, 14);
        if (dibSize == 12) {
            return of(ImageFormat.BMP, le16(b, 18), le16(b, 20));
        }
        // Negative height means top-down rows.
        return of(ImageFormat.BMP, le32(b, 18), Math.abs(le32(b, 22)));
    }

    private static Optional<ImageHeader> webp(byte[] b) {
        String chunk = new String(b, 12, 4, java.nio.charset.StandardCharsets.US_ASCII);
        return switch (chunk) {
            case "VP8 " -> (b[23] & 0xFF) == 0x9D && (b[24] & 0xFF) == 0x01 && (b[25] & 0xFF) == 0x2A
                    ? of(ImageFormat.WEBP, le16(b, 26) & 0x3FFF, le16(b, 28) & 0x3FFF) : Optional.empty();
            case "VP8L" -> {
                if ((b[20] & 0xFF) != 0x2F) {
                    yield Optional.empty();
                }
                int bits = le32(b, 21);
                yield of(ImageFormat.WEBP, (bits & 0x3FFF) + 1, ((bits >>> 14) & 0x3FFF) + 1);
            }
            case "VP8X" -> of(ImageFormat.WEBP, le24(b, 24) + 1, le24(b, 27) + 1);
            default -> Optional.empty();
        };
    }

    private static Optional<ImageHeader> of(ImageFormat format, int width, int height) {
        return width > 0 && height > 0 ? Optional.of(new ImageHeader(format, width, height)) : Optional.empty();
    }

    private static boolean startsWith(byte[] b, int... prefix) {
        if (b.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((b[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int be16(byte[] b, int i) {
        return (b[i] & 0xFF) << 8 | b[i + 1] & 0xFF;
    }

    private static int be32(byte[] b, int i) {
        return (b[i] & 0xFF) << 24 | (b[i + 1] & 0xFF) << 16 | (b[i + 2] & 0xFF) << 8 | b[i + 3] & 0xFF;
    }

    private static int le16(byte[] b, int i) {
        return b[i] & 0xFF | (b[i + 1] & 0xFF) << 8;
    }

    private static int le24(byte[] b, int i) {
        return b[i] & 0xFF | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16;
    }

    private static int le32(byte[] b, int i) {
        return le16(b, i) | le16(b, i + 2) << 16;
    }
}
