package dev.kiln.node.imaging;

/** The image formats accepted (DESIGN §4.1); anything else is refused before it reaches a decoder. */
public enum ImageFormat {
    JPEG, PNG, BMP, WEBP
}
