package org.alexnet.data.imagenet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.alexnet.data.imagenet.ImageDecoder.Jpeg;
import org.alexnet.data.transform.CentralPatch;
import org.alexnet.data.transform.Images;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    /** A photo-like picture: gradients, fine stripes, hard-edged blocks and sensor noise. */
    static BufferedImage texture(int w, int h, long seed) {
        Random r = new Random(seed);
        BufferedImage img = picture(w, h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = img.getRGB(x, y);
                double stripes = 30 * Math.sin(x * 0.7 + y * 0.2) * Math.sin(y * 0.05);
                boolean block = ((x / 37) + (y / 29)) % 5 == 0;
                int[] c = {(p >> 16) & 0xFF, (p >> 8) & 0xFF, p & 0xFF};
                for (int k = 0; k < 3; k++) {
                    double v = c[k] + stripes * (k + 1) / 3 + (block ? 60 - 40 * k : 0) + r.nextGaussian() * 4;
                    c[k] = (int) Math.max(0, Math.min(255, Math.round(v)));
                }
                img.setRGB(x, y, c[0] << 16 | c[1] << 8 | c[2]);
            }
        }
        return img;
    }

    static byte[] progressiveJpeg(BufferedImage image) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam p = writer.getDefaultWriteParam();
            p.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            writer.write(null, new IIOImage(image, null, null), p);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    static boolean turboInstalled() {
        return TurboJpeg.get() != null;
    }

    /** The largest difference of two same-sized images, in grey levels over all channels. */
    static int maxAbsDifference(BufferedImage a, BufferedImage b) {
        assertEquals(a.getWidth(), b.getWidth());
        assertEquals(a.getHeight(), b.getHeight());
        byte[] p = Images.packedBgr(a);
        byte[] q = Images.packedBgr(b);
        int max = 0;
        for (int i = 0; i < p.length; i++) {
            max = Math.max(max, Math.abs((p[i] & 0xFF) - (q[i] & 0xFF)));
        }
        return max;
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
        // A marker in the middle of the compressed data: both decoders only warn about it.
        byte[] cut = jpeg.clone();
        cut[jpeg.length * 2 / 3] = (byte) 0xFF;
        cut[jpeg.length * 2 / 3 + 1] = (byte) 0xD9;
        for (Jpeg decoder : turboInstalled() ? Jpeg.values() : new Jpeg[] {Jpeg.IMAGEIO}) {
            UnreadableImageException e = assertThrows(
                    UnreadableImageException.class,
                    () -> ImageDecoder.decode(Arrays.copyOf(jpeg, jpeg.length / 2), "half.JPEG", decoder));
            assertTrue(e.getMessage().startsWith("half.JPEG"), e.getMessage());
            e = assertThrows(UnreadableImageException.class, () -> ImageDecoder.decode(cut, "cut.JPEG", decoder));
            assertTrue(e.getMessage().startsWith("cut.JPEG is damaged"), e.getMessage());
            assertThrows(UnreadableImageException.class, () -> ImageDecoder.decode(new byte[0], "empty.JPEG", decoder));
            e = assertThrows(
                    UnreadableImageException.class,
                    () -> ImageDecoder.decode("hello".getBytes(), "text.JPEG", decoder));
            assertTrue(e.getMessage().contains("unknown format"), e.getMessage());
        }
    }

    @Test
    void libjpegTurboDecodesAsImageIO() throws IOException {
        assumeTrue(turboInstalled(), "libturbojpeg-java is not installed");
        BufferedImage photo = texture(333, 250, 1);
        BufferedImage gray = new BufferedImage(120, 90, BufferedImage.TYPE_BYTE_GRAY);
        gray.getGraphics().drawImage(texture(120, 90, 2), 0, 0, null);
        byte[][] files = {
            ImageNetSample.jpeg(photo, 0.9f),
            ImageNetSample.jpeg(photo, 0.5f),
            progressiveJpeg(photo),
            ImageNetSample.jpeg(gray, 0.9f)
        };
        for (byte[] file : files) {
            BufferedImage turbo = ImageDecoder.decode(file, "x.JPEG", Jpeg.TURBO);
            BufferedImage imageIO = ImageDecoder.decode(file, "x.JPEG", Jpeg.IMAGEIO);
            assertEquals(BufferedImage.TYPE_3BYTE_BGR, turbo.getType());
            // Measured: identical. Debian's OpenJDK decodes with the system's libjpeg-turbo too;
            // the bound leaves room for a JDK with its own IJG libjpeg (same integer IDCT and
            // upsampling, so at most rounding differences). Channels swapped would be off by ~100.
            int max = maxAbsDifference(turbo, imageIO);
            assertTrue(max <= 2, "libjpeg-turbo and ImageIO differ by up to " + max + " grey levels");
            if (turbo.getWidth() == photo.getWidth()) {
                // And both are the picture (measured 3.8 levels off at quality 0.9, 5.4 at 0.5).
                assertTrue(
                        meanAbsDifference(photo, turbo) < 7,
                        "decoded " + meanAbsDifference(photo, turbo) + " levels off");
            }
        }
    }

    @Test
    void filesLibjpegTurboDeclinesStillDecode() throws IOException {
        assumeTrue(turboInstalled(), "libturbojpeg-java is not installed");
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(picture(20, 10), "png", png);
        byte[][] files = {ImageNetSample.cmykJpeg(picture(64, 48)), png.toByteArray()};
        for (byte[] file : files) {
            // Even when libjpeg-turbo is required, these go to ImageIO and come out the same.
            BufferedImage turbo = ImageDecoder.decode(file, "odd.JPEG", Jpeg.TURBO);
            assertEquals(0, maxAbsDifference(ImageDecoder.decode(file, "odd.JPEG", Jpeg.IMAGEIO), turbo));
            assertTrue(meanAbsDifference(picture(turbo.getWidth(), turbo.getHeight()), turbo) < 8);
        }
    }

    @Test
    void halfSizeDctDecodingOfLargeImages(@TempDir Path dir) throws IOException {
        assumeTrue(turboInstalled(), "libturbojpeg-java is not installed");
        Path small = dir.resolve("small.JPEG");
        Files.write(small, ImageNetSample.jpeg(texture(500, 375, 4), 0.9f));
        assertEquals(500, ImageDecoder.readForScale(small, Jpeg.TURBO, 256).width());
        // At least twice the 256 needed: decoded at half size (rounded up). The DCT's half-size
        // image against 2 x 2 averaging of the full one, after the same resize: measured mean
        // differences 0.13 (smooth) and 2.9 grey levels (fine stripes, which the DCT removes and
        // averaging aliases); photographs in docs/benchmarks.md.
        double[][] cases = {{0, 0.5}, {1, 4}};
        for (double[] c : cases) {
            Path large = dir.resolve("large" + c[0] + ".JPEG");
            Files.write(large, ImageNetSample.jpeg(c[0] == 0 ? picture(1101, 800) : texture(1101, 800, 3), 0.9f));
            assertEquals(
                    1101, ImageDecoder.readForScale(large, Jpeg.IMAGEIO, 256).width());
            float[] box = CentralPatch.of(ImageDecoder.read(large, Jpeg.IMAGEIO), 256)
                    .toFloatImage()
                    .data();
            // The pixels live in a buffer the next readForScale on this thread reuses: use them first.
            ImageDecoder.Pixels half = ImageDecoder.readForScale(large, Jpeg.TURBO, 256);
            assertEquals(551, half.width());
            assertEquals(400, half.height());
            assertEquals(1101, half.fullWidth());
            float[] dct = CentralPatch.of(half.bgr(), half.height(), half.width(), 800, 1101, 256)
                    .toFloatImage()
                    .data();
            double sum = 0;
            for (int i = 0; i < dct.length; i++) {
                sum += Math.abs(dct[i] - box[i]);
            }
            assertTrue(sum / dct.length < c[1], "mean difference " + sum / dct.length);
        }
    }

    @Test
    void theDecoderIsChosenWithASystemProperty() {
        String saved = System.getProperty("alexnet.jpeg");
        try {
            System.clearProperty("alexnet.jpeg");
            assertEquals(Jpeg.AUTO, Jpeg.fromSystemProperty());
            System.setProperty("alexnet.jpeg", "ImageIO");
            assertEquals(Jpeg.IMAGEIO, Jpeg.fromSystemProperty());
            System.setProperty("alexnet.jpeg", "turbo");
            assertEquals(Jpeg.TURBO, Jpeg.fromSystemProperty());
            System.setProperty("alexnet.jpeg", "fast");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Jpeg::fromSystemProperty);
            assertTrue(e.getMessage().contains("alexnet.jpeg"), e.getMessage());
        } finally {
            if (saved == null) {
                System.clearProperty("alexnet.jpeg");
            } else {
                System.setProperty("alexnet.jpeg", saved);
            }
        }
        assertEquals("ImageIO (alexnet.jpeg=imageio)", ImageDecoder.describe(Jpeg.IMAGEIO));
        String auto = ImageDecoder.describe(Jpeg.AUTO);
        assertTrue(turboInstalled() ? auto.startsWith("libjpeg-turbo (") : auto.startsWith("ImageIO ("), auto);
    }
}
