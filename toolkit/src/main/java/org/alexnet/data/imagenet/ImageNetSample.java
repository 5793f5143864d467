package org.alexnet.data.imagenet;

import ai.djl.training.dataset.Dataset;
import ai.djl.translate.TranslateException;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.alexnet.data.FashionMnist;

/**
 * Writes a small dataset in the ILSVRC-2012 layout from Fashion-MNIST images, so the ImageNet
 * pipeline, its tests and the ImageNet notebook have real JPEG files to work on without ImageNet.
 *
 * <p>Each Fashion-MNIST image becomes a colour photograph-like JPEG: the garment tinted with a random
 * light colour on a random dark background with noise, scaled to a random size and aspect ratio (shorter side
 * 100..400 px by default) and placed at a random position. Classes are the ten Fashion-MNIST classes
 * with made-up wnids {@code n00000000..n00000009} and their names in {@code synsets.txt}. With
 * {@link Builder#optOddFiles(boolean)} the training folders also get the awkward files real ImageNet
 * has: a grayscale JPEG, a CMYK JPEG, a PNG named .JPEG (all readable), and three unreadable ones (a
 * truncated JPEG, an empty file, a text file named .JPEG).
 */
public final class ImageNetSample {

    /** Unreadable files written by {@link Builder#optOddFiles}. */
    public static final int UNREADABLE_FILES = 3;
    /** Readable odd files (grayscale, CMYK, PNG) written by {@link Builder#optOddFiles}. */
    public static final int ODD_READABLE_FILES = 3;

    private final int classes;
    private final int trainPerClass;
    private final int valPerClass;
    private final boolean flatValidation;
    private final boolean oddFiles;
    private final int minSide;
    private final int maxSide;
    private final long seed;
    private final Path fashionMnistDir;

    private ImageNetSample(Builder b) {
        classes = b.classes;
        trainPerClass = b.trainPerClass;
        valPerClass = b.valPerClass;
        flatValidation = b.flatValidation;
        oddFiles = b.oddFiles;
        minSide = b.minSide;
        maxSide = b.maxSide;
        seed = b.seed;
        fashionMnistDir = b.fashionMnistDir;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The wnid used for class {@code c}. */
    public static String wnid(int c) {
        return String.format(Locale.ROOT, "n%08d", c);
    }

    /** Writes the sample under {@code root} (train/, val/, synsets.txt and, when flat, val_labels.csv). */
    public void write(Path root) throws IOException {
        FashionMnist train = fashion(Dataset.Usage.TRAIN);
        FashionMnist test = fashion(Dataset.Usage.TEST);
        Random random = new Random(seed);
        StringBuilder synsets = new StringBuilder();
        for (int c = 0; c < classes; c++) {
            synsets.append(wnid(c))
                    .append('\t')
                    .append(FashionMnist.CLASS_NAMES.get(c))
                    .append('\n');
        }
        Files.createDirectories(root);
        Files.writeString(root.resolve("synsets.txt"), synsets, StandardCharsets.UTF_8);
        int[][] trainIndex = byClass(train, trainPerClass);
        int[][] testIndex = byClass(test, valPerClass);
        for (int c = 0; c < classes; c++) {
            Path dir = Files.createDirectories(root.resolve("train").resolve(wnid(c)));
            for (int k = 0; k < trainPerClass; k++) {
                BufferedImage img = photo(train.getImage(trainIndex[c][k]), random);
                Files.write(dir.resolve(String.format(Locale.ROOT, "%s_%d.JPEG", wnid(c), k)), jpeg(img, 0.9f));
            }
        }
        StringBuilder labels = new StringBuilder("file,wnid\n");
        int number = 0;
        for (int c = 0; c < classes; c++) {
            Path dir = Files.createDirectories(
                    flatValidation ? root.resolve("val") : root.resolve("val").resolve(wnid(c)));
            for (int k = 0; k < valPerClass; k++) {
                BufferedImage img = photo(test.getImage(testIndex[c][k]), random);
                String name = String.format(Locale.ROOT, "ILSVRC2012_val_%08d.JPEG", ++number);
                Files.write(dir.resolve(name), jpeg(img, 0.9f));
                labels.append(name).append(',').append(wnid(c)).append('\n');
            }
        }
        if (flatValidation) {
            Files.writeString(root.resolve("val_labels.csv"), labels, StandardCharsets.UTF_8);
        }
        if (oddFiles) {
            writeOddFiles(root, train, trainIndex, random);
        }
    }

    private void writeOddFiles(Path root, FashionMnist train, int[][] index, Random random) throws IOException {
        Path dir = root.resolve("train").resolve(wnid(0));
        BufferedImage colour = photo(train.getImage(index[0][0]), random);
        BufferedImage gray = new BufferedImage(colour.getWidth(), colour.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = gray.createGraphics();
        g.drawImage(colour, 0, 0, null);
        g.dispose();
        Files.write(dir.resolve("odd_grayscale.JPEG"), jpeg(gray, 0.9f));
        Files.write(dir.resolve("odd_cmyk.JPEG"), cmykJpeg(photo(train.getImage(index[0][1]), random)));
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(photo(train.getImage(index[0][2]), random), "png", png);
        Files.write(dir.resolve("odd_png_in_disguise.JPEG"), png.toByteArray());
        byte[] full = jpeg(photo(train.getImage(index[0][3]), random), 0.9f);
        Files.write(dir.resolve("broken_truncated.JPEG"), Arrays.copyOf(full, full.length / 2));
        Files.write(dir.resolve("broken_empty.JPEG"), new byte[0]);
        Files.writeString(dir.resolve("broken_not_an_image.JPEG"), "this is not an image\n");
    }

    private FashionMnist fashion(Dataset.Usage usage) throws IOException {
        FashionMnist.Builder b = FashionMnist.builder()
                .optUsage(usage)
                .optResolution(FashionMnist.IMAGE_SIZE)
                .setSampling(1, false);
        if (fashionMnistDir != null) {
            b.optDirectory(fashionMnistDir);
        }
        FashionMnist data = b.build();
        try {
            data.prepare();
        } catch (TranslateException e) {
            throw new IOException("cannot read Fashion-MNIST: " + e.getMessage(), e);
        }
        return data;
    }

    /** The first {@code perClass} indices of each class (in file order). */
    private int[][] byClass(FashionMnist data, int perClass) {
        int[][] out = new int[classes][perClass];
        int[] filled = new int[classes];
        int done = 0;
        for (int i = 0; i < data.size() && done < classes * perClass; i++) {
            int c = data.getLabel(i);
            if (c < classes && filled[c] < perClass) {
                out[c][filled[c]++] = i;
                done++;
            }
        }
        return out;
    }

    /** A 28x28 grayscale garment as a tinted colour picture of random size, aspect and placement. */
    BufferedImage photo(BufferedImage garment, Random r) {
        int shorter = minSide + r.nextInt(maxSide - minSide + 1);
        double aspect = 0.75 + r.nextDouble() * 0.6; // ImageNet's typical 4:3 and 3:4 and everything between
        boolean landscape = r.nextBoolean();
        int h = landscape ? shorter : (int) Math.round(shorter * aspect);
        int w = landscape ? (int) Math.round(shorter * aspect) : shorter;
        // A dark background and a light garment keep the shape visible whatever the colours.
        Color background = new Color(r.nextInt(110), r.nextInt(110), r.nextInt(110));
        float[] tint = {0.55f + 0.45f * r.nextFloat(), 0.55f + 0.45f * r.nextFloat(), 0.55f + 0.45f * r.nextFloat()};
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        g.setColor(background);
        g.fillRect(0, 0, w, h);
        int side = (int) (Math.min(w, h) * (0.6 + 0.35 * r.nextDouble()));
        int x0 = r.nextInt(w - side + 1);
        int y0 = r.nextInt(h - side + 1);
        BufferedImage scaled = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D gs = scaled.createGraphics();
        gs.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        gs.drawImage(garment, 0, 0, side, side, null);
        gs.dispose();
        g.dispose();
        byte[] px = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
        byte[] mask = ((DataBufferByte) scaled.getRaster().getDataBuffer()).getData();
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                float a = (mask[y * side + x] & 0xFF) / 255f;
                int o = 3 * ((y0 + y) * w + x0 + x);
                for (int c = 0; c < 3; c++) {
                    int bg = px[o + 2 - c] & 0xFF;
                    px[o + 2 - c] = (byte) Math.round((1 - a) * bg + a * 255 * tint[c]);
                }
            }
        }
        for (int i = 0; i < px.length; i++) {
            int v = (px[i] & 0xFF) + (int) Math.round(r.nextGaussian() * 6);
            px[i] = (byte) Math.max(0, Math.min(255, v));
        }
        return out;
    }

    /** The image as a JPEG of the given quality. */
    public static byte[] jpeg(BufferedImage image, float quality) throws IOException {
        return encodeJpeg(new IIOImage(image, null, null), quality);
    }

    private static byte[] encodeJpeg(IIOImage image, float quality) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam p = writer.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(quality);
            writer.write(null, image, p);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /**
     * The image as a 4-channel JPEG holding inverted CMYK (Adobe's convention) with an Adobe APP14
     * marker, the way Photoshop saves CMYK JPEGs.
     */
    public static byte[] cmykJpeg(BufferedImage rgb) throws IOException {
        int w = rgb.getWidth();
        int h = rgb.getHeight();
        WritableRaster raster = Raster.createInterleavedRaster(DataBufferByte.TYPE_BYTE, w, h, 4, null);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = rgb.getRGB(x, y);
                int r = (p >> 16) & 0xFF;
                int g = (p >> 8) & 0xFF;
                int b = p & 0xFF;
                int k = 255 - Math.max(r, Math.max(g, b));
                int c = k == 255 ? 0 : (255 - r - k) * 255 / (255 - k);
                int m = k == 255 ? 0 : (255 - g - k) * 255 / (255 - k);
                int ye = k == 255 ? 0 : (255 - b - k) * 255 / (255 - k);
                raster.setPixel(x, y, new int[] {255 - c, 255 - m, 255 - ye, 255 - k});
            }
        }
        return withAdobeMarker(encodeJpeg(new IIOImage(raster, null, null), 0.95f), 0);
    }

    /** Inserts an Adobe APP14 segment (transform flag {@code transform}) after the SOI marker. */
    static byte[] withAdobeMarker(byte[] jpeg, int transform) {
        byte[] app14 = {(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, (byte) transform};
        byte[] out = new byte[jpeg.length + app14.length];
        out[0] = jpeg[0];
        out[1] = jpeg[1];
        System.arraycopy(app14, 0, out, 2, app14.length);
        System.arraycopy(jpeg, 2, out, 2 + app14.length, jpeg.length - 2);
        return out;
    }

    /** Builder for {@link ImageNetSample}; its defaults are the DEFAULT_ constants (the command line shows them). */
    public static final class Builder {
        public static final int DEFAULT_CLASSES = 10;
        public static final int DEFAULT_TRAIN_PER_CLASS = 100;
        public static final int DEFAULT_VALIDATION_PER_CLASS = 20;
        /** The range of the images' shorter side: about the sizes of ImageNet's photographs. */
        public static final int DEFAULT_MIN_SIDE = 100;

        public static final int DEFAULT_MAX_SIDE = 400;
        public static final long DEFAULT_SEED = 42;

        private int classes = DEFAULT_CLASSES;
        private int trainPerClass = DEFAULT_TRAIN_PER_CLASS;
        private int valPerClass = DEFAULT_VALIDATION_PER_CLASS;
        private boolean flatValidation;
        private boolean oddFiles = true;
        private int minSide = DEFAULT_MIN_SIDE;
        private int maxSide = DEFAULT_MAX_SIDE;
        private long seed = DEFAULT_SEED;
        private Path fashionMnistDir;

        /** Number of classes, 1..10 (the Fashion-MNIST classes). */
        public Builder optClasses(int classes) {
            if (classes < 1 || classes > FashionMnist.NUM_CLASSES) {
                throw new IllegalArgumentException("classes must be 1..10, got " + classes);
            }
            this.classes = classes;
            return this;
        }

        public Builder optTrainPerClass(int n) {
            this.trainPerClass = n;
            return this;
        }

        public Builder optValidationPerClass(int n) {
            this.valPerClass = n;
            return this;
        }

        /** Flat val/ with val_labels.csv instead of class folders. */
        public Builder optFlatValidation(boolean flat) {
            this.flatValidation = flat;
            return this;
        }

        /** Add the grayscale/CMYK/PNG and the broken files (default on). */
        public Builder optOddFiles(boolean odd) {
            this.oddFiles = odd;
            return this;
        }

        /** Range of the images' shorter side in pixels. */
        public Builder optShorterSide(int min, int max) {
            if (min < 28 || max < min) {
                throw new IllegalArgumentException("need 28 <= min <= max, got " + min + ".." + max);
            }
            this.minSide = min;
            this.maxSide = max;
            return this;
        }

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Where the Fashion-MNIST files are (default: the usual search). */
        public Builder optFashionMnistDirectory(Path dir) {
            this.fashionMnistDir = dir;
            return this;
        }

        public ImageNetSample build() {
            if (trainPerClass < 4 || valPerClass < 1) {
                throw new IllegalArgumentException("need at least 4 training and 1 validation image per class");
            }
            return new ImageNetSample(this);
        }
    }

    /** Counts of a written sample, for messages. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        parts.add(classes + " classes");
        parts.add(classes * trainPerClass + " training images");
        parts.add(classes * valPerClass + " validation images" + (flatValidation ? " (flat, val_labels.csv)" : ""));
        if (oddFiles) {
            parts.add(ODD_READABLE_FILES + " odd but readable and " + UNREADABLE_FILES + " broken files in train/"
                    + wnid(0));
        }
        return String.join(", ", parts);
    }
}
