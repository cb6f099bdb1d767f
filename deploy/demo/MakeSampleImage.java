import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;

/**
 * Renders deploy/demo/sample.jpg, the picture ./kiln up sends in its demo request: a 640x480 sign with a few
 * printed words, so the demo text detector has real text to find. Run once: java deploy/demo/MakeSampleImage.java
 */
public class MakeSampleImage {
    public static void main(String[] args) throws Exception {
        File out = new File(args.length > 0 ? args[0] : "deploy/demo/sample.jpg");
        BufferedImage image = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);

        // A wall behind a sign board.
        g.setPaint(new GradientPaint(0, 0, new Color(0x6b7b8c), 0, 480, new Color(0x3d4752)));
        g.fillRect(0, 0, 640, 480);
        g.setColor(new Color(0xf4efe4));
        g.fillRoundRect(60, 50, 520, 330, 18, 18);
        g.setColor(new Color(0x8a5a2b));
        g.setStroke(new BasicStroke(6));
        g.drawRoundRect(60, 50, 520, 330, 18, 18);

        g.setColor(new Color(0xc2410c));
        g.setFont(new Font("DejaVu Sans", Font.BOLD, 72));
        g.drawString("KILN", 100, 140);

        g.setColor(new Color(0x1f2328));
        g.setFont(new Font("DejaVu Sans", Font.PLAIN, 34));
        g.drawString("Serve ONNX models", 100, 210);
        g.drawString("as prediction APIs", 100, 255);
        g.setFont(new Font("DejaVu Serif", Font.ITALIC, 26));
        g.drawString("open daily 9:00 - 17:00", 100, 330);

        // A post under the sign.
        g.setColor(new Color(0x5b3a1a));
        g.fillRect(300, 380, 40, 100);
        g.dispose();

        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.85f);
        out.delete();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, new IIOImage(image, null, null), param);
        }
        writer.dispose();
    }
}
