package org.alexnet.data.imagenet;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.alexnet.data.transform.Images;

/**
 * Decodes the image files found in ImageNet into RGB {@link BufferedImage}s (TYPE_3BYTE_BGR).
 *
 * <p>The decoder is chosen by the file's content, not its name, so PNGs saved as .JPEG (ImageNet has
 * one) decode. Grayscale images become RGB. CMYK and YCCK JPEGs (22 in ImageNet's training set),
 * which Java's JPEG reader rejects, are read as raw rasters and converted here. A truncated or
 * corrupt file, or one the reader only half understood (it reports that as a warning), is rejected
 * with an {@link UnreadableImageException} rather than returned grey-filled.
 *
 * <p>JPEGs are decoded by libjpeg-turbo when Debian's {@code libturbojpeg-java} is installed (about
 * half the CPU time of ImageIO), else by ImageIO; the system property {@code alexnet.jpeg} ({@code
 * auto}, {@code turbo}, {@code imageio}) chooses, see {@link Jpeg}. Everything libjpeg-turbo declines
 * (CMYK, YCCK, anything it reports an error or a warning for) goes to ImageIO, so which files
 * decode and which are rejected does not depend on the decoder. On Debian's OpenJDK both give the
 * same pixels: ImageIO's native part is the system's libjpeg-turbo too, only its Java glue costs
 * more. A JDK that bundles IJG's libjpeg may differ by rounding ({@code ImageDecoderTest} allows
 * two grey levels).
 */
public final class ImageDecoder {

    /** Which decoder reads JPEG files. */
    public enum Jpeg {
        /** libjpeg-turbo when it is installed, ImageIO otherwise (the default). */
        AUTO,
        /**
         * libjpeg-turbo (the files it declines still go to ImageIO); decoding fails with an
         * IllegalStateException when it is not installed.
         */
        TURBO,
        /** Java's ImageIO only. */
        IMAGEIO;

        /**
         * The choice made with the system property {@code alexnet.jpeg} ({@code auto}, {@code
         * turbo} or {@code imageio}); AUTO when it is not set.
         */
        public static Jpeg fromSystemProperty() {
            String v = System.getProperty("alexnet.jpeg", "auto").trim();
            for (Jpeg j : values()) {
                if (j.name().equalsIgnoreCase(v)) {
                    return j;
                }
            }
            throw new IllegalArgumentException("alexnet.jpeg must be auto, turbo or imageio, not '" + v + "'");
        }
    }

    /**
     * Decoded pixels, packed BGR rows without padding (the layout of TYPE_3BYTE_BGR), of an image
     * that is fullWidth x fullHeight at full size.
     */
    record Pixels(int width, int height, byte[] bgr, int fullWidth, int fullHeight) {
        Pixels(int width, int height, byte[] bgr) {
            this(width, height, bgr, width, height);
        }
    }

    private ImageDecoder() {}

    /**
     * The JPEG decoder that {@code jpeg} stands for on this machine, e.g. {@code libjpeg-turbo
     * (/usr/share/java/turbojpeg.jar, ...)} or {@code ImageIO (...why not libjpeg-turbo)}.
     */
    public static String describe(Jpeg jpeg) {
        if (jpeg == Jpeg.IMAGEIO) {
            return "ImageIO (alexnet.jpeg=imageio)";
        }
        return TurboJpeg.status();
    }

    /** Decodes the file at {@code path} with the decoder chosen by {@code alexnet.jpeg}. */
    public static BufferedImage read(Path path) throws IOException {
        return read(path, Jpeg.fromSystemProperty());
    }

    /** Decodes the file at {@code path} with JPEG decoder {@code jpeg}. */
    public static BufferedImage read(Path path, Jpeg jpeg) throws IOException {
        return decode(readBytes(path), path.toString(), jpeg);
    }

    /** Decodes {@code bytes} with the decoder chosen by {@code alexnet.jpeg}; {@code name} is used in error messages. */
    public static BufferedImage decode(byte[] bytes, String name) throws UnreadableImageException {
        return decode(bytes, name, Jpeg.fromSystemProperty());
    }

    /** Decodes {@code bytes} with JPEG decoder {@code jpeg}; {@code name} is used in error messages. */
    public static BufferedImage decode(byte[] bytes, String name, Jpeg jpeg) throws UnreadableImageException {
        Pixels p = turbo(bytes, jpeg, 0, false);
        if (p == null) {
            return imageIO(bytes, name);
        }
        // The decoded array becomes the image's raster, no copy: its layout is TYPE_3BYTE_BGR's.
        WritableRaster raster = Raster.createInterleavedRaster(
                new DataBufferByte(p.bgr(), p.bgr().length),
                p.width(),
                p.height(),
                3 * p.width(),
                3,
                new int[] {2, 1, 0},
                null);
        ColorModel rgb = new ComponentColorModel(
                ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
        return new BufferedImage(rgb, raster, false, null);
    }

    /**
     * The file's pixels for scaling its shorter side to {@code shorter}: libjpeg-turbo replaces the
     * first halving step of {@link Images#resizeShorterSide} by decoding at half size in the DCT,
     * about 40% less work for such an image. Only images at least twice the target size are
     * reduced; their result differs from halving a full decode by the filter (the DCT's instead of a
     * 2 x 2 average), as {@code docs/benchmarks.md} documents. {@link Pixels#fullWidth()} and
     * {@link Pixels#fullHeight()} keep the size before the reduction. The pixels may live in a
     * buffer the calling thread reuses: use them before its next call.
     */
    static Pixels readForScale(Path path, Jpeg jpeg, int shorter) throws IOException {
        byte[] bytes = readBytes(path);
        Pixels p = turbo(bytes, jpeg, shorter, true);
        if (p == null) {
            BufferedImage image = imageIO(bytes, path.toString());
            p = new Pixels(image.getWidth(), image.getHeight(), Images.packedBgr(image));
        }
        return p;
    }

    private static byte[] readBytes(Path path) throws UnreadableImageException {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UnreadableImageException("cannot read " + path + ": " + e.getMessage());
        }
    }

    /** libjpeg-turbo's decode when {@code jpeg} allows it and it accepts the file, else null. */
    private static Pixels turbo(byte[] bytes, Jpeg jpeg, int shorter, boolean transientPixels) {
        if (jpeg == Jpeg.IMAGEIO) {
            return null;
        }
        TurboJpeg turbo = TurboJpeg.get();
        if (turbo == null) {
            if (jpeg == Jpeg.TURBO) {
                throw new IllegalStateException(
                        "alexnet.jpeg=turbo, but libjpeg-turbo is not usable: " + TurboJpeg.status());
            }
            return null;
        }
        if (!isJpeg(bytes) || jpegComponents(bytes) == 4) {
            return null;
        }
        return transientPixels ? turbo.decodeTransient(bytes, shorter) : turbo.decode(bytes, shorter);
    }

    /** Java's ImageIO, the decoder for everything libjpeg-turbo does not take. */
    static BufferedImage imageIO(byte[] bytes, String name) throws UnreadableImageException {
        if (bytes.length == 0) {
            throw new UnreadableImageException(name + " is empty");
        }
        // A memory-cached stream: ImageIO's default would copy every image to a temporary file first.
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new UnreadableImageException(name + " is not an image Java can read (unknown format)");
            }
            ImageReader reader = readers.next();
            String[] warning = new String[1];
            IIOReadWarningListener listener = (source, message) -> {
                if (warning[0] == null) {
                    warning[0] = message;
                }
            };
            reader.addIIOReadWarningListener(listener);
            try {
                reader.setInput(in, true, true);
                BufferedImage image;
                if (isJpeg(bytes) && jpegComponents(bytes) == 4) {
                    // Java's JPEG reader refuses YCCK and misreads Adobe's inverted CMYK; the raw
                    // raster is right, so convert it here.
                    image = fromCmyk(reader.readRaster(0, null), adobeTransform(bytes));
                } else {
                    image = reader.read(0);
                }
                if (warning[0] != null) {
                    throw new UnreadableImageException(name + " is damaged: " + warning[0]);
                }
                return toRgb(image);
            } finally {
                reader.dispose();
            }
        } catch (UnreadableImageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new UnreadableImageException(name + " is not a readable image: " + e.getMessage());
        }
    }

    private static BufferedImage toRgb(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_3BYTE_BGR) {
            return image;
        }
        return Images.toBgr(image);
    }

    private static boolean isJpeg(byte[] b) {
        return b.length > 2 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8;
    }

    /** The number of colour components in the JPEG's frame header, or -1 when not found. */
    static int jpegComponents(byte[] b) {
        int i = 2;
        while (i + 9 < b.length && (b[i] & 0xFF) == 0xFF) {
            int marker = b[i + 1] & 0xFF;
            int length = ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
            boolean frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (frame) {
                return b[i + 9] & 0xFF;
            }
            if (marker == 0xDA) {
                break;
            }
            i += 2 + length;
        }
        return -1;
    }

    /**
     * The transform flag of the Adobe APP14 marker (0 = CMYK, 2 = YCCK), or -1 when there is none.
     */
    static int adobeTransform(byte[] b) {
        int i = 2;
        while (i + 4 < b.length && (b[i] & 0xFF) == 0xFF) {
            int marker = b[i + 1] & 0xFF;
            int length = ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
            if (marker == 0xDA) {
                break; // start of scan: no more headers
            }
            if (marker == 0xEE
                    && length >= 12
                    && i + 15 < b.length
                    && b[i + 4] == 'A'
                    && b[i + 5] == 'd'
                    && b[i + 6] == 'o'
                    && b[i + 7] == 'b'
                    && b[i + 8] == 'e') {
                return b[i + 15] & 0xFF;
            }
            i += 2 + length;
        }
        return -1;
    }

    /**
     * Converts a 4-channel JPEG raster to RGB. Adobe writes CMYK JPEGs inverted (0 = full ink), so
     * R = C'K'/255 with the stored values C', K'; YCCK is first turned back into those C'M'Y'.
     */
    static BufferedImage fromCmyk(Raster raster, int adobeTransform) throws UnreadableImageException {
        if (raster.getNumBands() != 4) {
            throw new UnreadableImageException(
                    "unsupported JPEG colour space with " + raster.getNumBands() + " channels");
        }
        int w = raster.getWidth();
        int h = raster.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        byte[] px = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
        int[] p = new int[4];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                raster.getPixel(x + raster.getMinX(), y + raster.getMinY(), p);
                if (adobeTransform < 0) {
                    // Without Adobe's marker the values are plain (not inverted) CMYK.
                    for (int k = 0; k < 4; k++) {
                        p[k] = 255 - p[k];
                    }
                }
                double c = p[0];
                double m = p[1];
                double ye = p[2];
                if (adobeTransform == 2) {
                    double yy = p[0];
                    double cb = p[1] - 128.0;
                    double cr = p[2] - 128.0;
                    c = yy + 1.402 * cr;
                    m = yy - 0.344136 * cb - 0.714136 * cr;
                    ye = yy + 1.772 * cb;
                }
                double k = p[3];
                int o = 3 * (y * w + x);
                px[o + 2] = (byte) clamp(c * k / 255.0);
                px[o + 1] = (byte) clamp(m * k / 255.0);
                px[o] = (byte) clamp(ye * k / 255.0);
            }
        }
        return out;
    }

    private static int clamp(double v) {
        return (int) Math.round(Math.max(0, Math.min(255, v)));
    }
}
