package dev.kiln.node.imaging;

/**
 * Maps model-input (tensor) pixel coordinates back to 0..1 of the original image, undoing the resize and any
 * letterbox padding. Normalizing by the decoded pixels is right even when a JPEG was decoded at reduced size:
 * ratios do not change with scale.
 *
 * @param scaleX      tensor pixels per decoded pixel, horizontally
 * @param padX        letterbox padding on the left, in tensor pixels
 * @param pixelWidth  width of the decoded pixels the tensor was made from
 */
public record Geometry(double scaleX, double scaleY, double padX, double padY, int pixelWidth, int pixelHeight,
                       int tensorWidth, int tensorHeight) {

    public double x(double tensorX) {
        return clamp((tensorX - padX) / scaleX / pixelWidth);
    }

    public double y(double tensorY) {
        return clamp((tensorY - padY) / scaleY / pixelHeight);
    }

    private static double clamp(double v) {
        return v < 0 ? 0 : v > 1 ? 1 : v;
    }
}
