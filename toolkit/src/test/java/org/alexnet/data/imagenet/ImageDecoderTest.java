package org.alexnet.data.imagenet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {

    /** A smooth colourful test picture. */
    static BufferedImage picture(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = 40 + 180 * x / w;
                int g = 220 - 150 * y / h;
                int b = 60 + 120 * (x + y) / (w + h);
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return img;
    }

    static double meanAbsDifference(BufferedImage a, BufferedImage b) {
        double s = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    s += Math.abs(((p >> shift) & 0xFF) - ((q >> shift) & 0xFF));
                }
            }
        }
        return s / (3.0 * a.getWidth() * a.getHeight());
    }

    @Test
    void decodesJpegAsRgb() throws IOException {
        BufferedImage src = picture(64, 48);
        BufferedImage out = ImageDecoder.decode(ImageNetSample.jpeg(src, 0.95f), "x.JPEG");
        assertEquals(BufferedImage.TYPE_3BYTE_BGR, out.getType());
        assertEquals(64, out.getWidth());
        assertTrue(meanAbsDifference(src, out) < 3, "JPEG round trip too far off");
    }

    @Test
    void convertsCmykJpegs() throws IOException {
        BufferedImage src = picture(64, 48);
        byte[] cmyk = ImageNetSample.cmykJpeg(src);
        assertEquals(0, ImageDecoder.adobeTransform(cmyk));
        BufferedImage out = ImageDecoder.decode(cmyk, "cmyk.JPEG");
        // Inverted CMYK through a lossy 4-channel JPEG: close to the original colours, not inverted.
        double d = meanAbsDifference(src, out);
        assertTrue(d < 8, "CMYK JPEG decoded to colours " + d + " levels off on average");
    }

    @Test
    void grayscaleBecomesThreeEqualChannels() throws IOException {
        BufferedImage gray = new BufferedImage(32, 32, BufferedImage.TYPE_BYTE_GRAY);
        gray.getGraphics().drawImage(picture(32, 32), 0, 0, null);
        BufferedImage out = ImageDecoder.decode(ImageNetSample.jpeg(gray, 0.95f), "gray.JPEG");
        int p = out.getRGB(10, 20);
        assertEquals((p >> 16) & 0xFF, (p >> 8) & 0xFF);
        assertEquals((p >> 8) & 0xFF, p & 0xFF);
    }

    @Test
    void pngNamedJpegDecodesByContent() throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(picture(20, 10), "png", png);
        BufferedImage out = ImageDecoder.decode(png.toByteArray(), "n01739381_1309.JPEG");
        assertEquals(0, meanAbsDifference(picture(20, 10), out), 1e-9);
    }

    @Test
    void brokenFilesAreRejectedWithTheirName() throws IOException {
        byte[] jpeg = ImageNetSample.jpeg(picture(200, 150), 0.9f);
        UnreadableImageException e = assertThrows(UnreadableImageException.class,
                () -> ImageDecoder.decode(java.util.Arrays.copyOf(jpeg, jpeg.length / 2), "half.JPEG"));
        assertTrue(e.getMessage().startsWith("half.JPEG"), e.getMessage());
        assertThrows(UnreadableImageException.class, () -> ImageDecoder.decode(new byte[0], "empty.JPEG"));
        e = assertThrows(UnreadableImageException.class, () -> ImageDecoder.decode("hello".getBytes(), "text.JPEG"));
        assertTrue(e.getMessage().contains("unknown format"), e.getMessage());
    }
}
