package org.alexnet.predict;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import org.alexnet.data.BilinearResize;
import org.alexnet.data.FashionMnist;
import org.alexnet.data.imagenet.ImageDecoder;
import org.alexnet.data.transform.CenterCrop;
import org.alexnet.data.transform.CentralPatch;
import org.alexnet.data.transform.FloatImage;
import org.alexnet.data.transform.Images;
import org.alexnet.data.transform.TenCrop;

/**
 * How an image file becomes a network input, as the model saw its training data.
 *
 * <ul>
 *   <li>{@link Kind#GREY}: Fashion-MNIST models. The image is scaled (shorter side) and centre-cropped
 *       to 28x28, made grey, put in [0, 1] and resized bilinearly to the model's resolution, as
 *       {@code FashionMnist} serves its images. Fashion-MNIST shows light garments on black.
 *   <li>{@link Kind#MEAN_IMAGE}: the paper's test-time processing for ImageNet checkpoints: shorter side
 *       to 256, central 256 patch, the training set's mean image subtracted, the central 224 patch or
 *       the ten patches (corners, centre, mirrored), times the run's pixel scale; the ImageNet
 *       pipeline's own code ({@link CentralPatch}).
 *   <li>{@link Kind#CHANNEL_MEAN}: torchvision's weights: the same patches, RGB in [0, 1], minus a mean
 *       and divided by a deviation per channel.
 * </ul>
 */
public final class InputPipeline {

    /** See the class comment. */
    public enum Kind {
        GREY,
        MEAN_IMAGE,
        CHANNEL_MEAN
    }

    private final Kind kind;
    private final int resolution;
    private final int scale;
    private final FloatImage meanImage;
    private final float pixelScale;
    private final float[] channelMean;
    private final float[] channelStd;

    private InputPipeline(
            Kind kind,
            int resolution,
            int scale,
            FloatImage meanImage,
            float pixelScale,
            float[] channelMean,
            float[] channelStd) {
        this.kind = kind;
        this.resolution = resolution;
        this.scale = scale;
        this.meanImage = meanImage;
        this.pixelScale = pixelScale;
        this.channelMean = channelMean;
        this.channelStd = channelStd;
    }

    /** Fashion-MNIST models at {@code resolution} pixels. */
    public static InputPipeline grey(int resolution) {
        return new InputPipeline(Kind.GREY, resolution, FashionMnist.IMAGE_SIZE, null, 1f, null, null);
    }

    /** ImageNet checkpoints: patches of {@code resolution} from a {@code scale} square, mean image subtracted. */
    public static InputPipeline meanImage(int resolution, int scale, FloatImage mean, float pixelScale) {
        if (mean.channels() != 3 || mean.height() != scale || mean.width() != scale) {
            throw new IllegalArgumentException("the mean image must be 3x" + scale + "x" + scale + ", got " + mean);
        }
        return new InputPipeline(Kind.MEAN_IMAGE, resolution, scale, mean, pixelScale, null, null);
    }

    /** torchvision-style normalisation of [0, 1] RGB, 224 patches of a 256 square. */
    public static InputPipeline channelMean(float[] mean, float[] std) {
        return new InputPipeline(Kind.CHANNEL_MEAN, 224, 256, null, 1f, mean.clone(), std.clone());
    }

    public Kind getKind() {
        return kind;
    }

    public int getResolution() {
        return resolution;
    }

    public int getChannels() {
        return kind == Kind.GREY ? 1 : 3;
    }

    /** The mean image (MEAN_IMAGE only, else null). */
    public FloatImage getMeanImage() {
        return meanImage;
    }

    /** Whether {@code tenCrop} means anything (Fashion-MNIST models always take the whole image). */
    public boolean hasTenCrop() {
        return kind != Kind.GREY;
    }

    /**
     * The network input(s) for one image file: (1, C, R, R), or (10, C, R, R) for the ten patches.
     *
     * @throws IOException with the pipeline's one-line report when the file cannot be decoded
     */
    public NDArray load(NDManager manager, Path file, boolean tenCrop) throws IOException {
        BufferedImage image = ImageDecoder.read(file);
        if (kind == Kind.GREY) {
            FloatImage rgb = FloatImage.of(Images.resizeShorterSideCentred(image, scale, scale));
            float[] grey = new float[scale * scale];
            float[] d = rgb.data();
            int plane = scale * scale;
            for (int i = 0; i < plane; i++) {
                // ITU-R 601 luma, rounded to a byte as in the dataset's files, then [0, 1].
                grey[i] = Math.round(0.299f * d[i] + 0.587f * d[plane + i] + 0.114f * d[2 * plane + i]) / 255f;
            }
            NDArray x = manager.create(grey, new Shape(1, 1, scale, scale));
            if (resolution == scale) {
                return x;
            }
            try (x) {
                return BilinearResize.resize(x, resolution, resolution);
            }
        }
        CentralPatch patch = CentralPatch.of(image, scale);
        int crops = tenCrop ? TenCrop.COUNT : 1;
        int row = 3 * resolution * resolution;
        float[] out = new float[crops * row];
        FloatImage mean = kind == Kind.MEAN_IMAGE ? meanImage : constantMean();
        float factor = kind == Kind.MEAN_IMAGE ? pixelScale : 1f / 255;
        if (!tenCrop) {
            int[] o = CenterCrop.offset(scale, scale, resolution);
            patch.writeCrop(o[0], o[1], resolution, false, mean, null, factor, out, 0);
        } else {
            int[][] corners = TenCrop.offsets(scale, scale, resolution);
            for (int k = 0; k < TenCrop.COUNT / 2; k++) {
                patch.writeCrop(corners[k][0], corners[k][1], resolution, false, mean, null, factor, out, k * row);
                patch.writeCrop(
                        corners[k][0],
                        corners[k][1],
                        resolution,
                        true,
                        mean,
                        null,
                        factor,
                        out,
                        (k + TenCrop.COUNT / 2) * row);
            }
        }
        if (kind == Kind.CHANNEL_MEAN) {
            int plane = resolution * resolution;
            for (int i = 0; i < out.length; i++) {
                out[i] /= channelStd[(i / plane) % 3];
            }
        }
        return manager.create(out, new Shape(crops, 3, resolution, resolution));
    }

    private FloatImage constantMean() {
        float[] m = new float[3 * scale * scale];
        int plane = scale * scale;
        for (int i = 0; i < m.length; i++) {
            m[i] = 255f * channelMean[i / plane];
        }
        return new FloatImage(3, scale, scale, m);
    }

    /** Writes this pipeline to {@code folder}: input.properties, plus mean-image.npz for MEAN_IMAGE. */
    public void save(Path folder, NDManager manager) throws IOException {
        Properties p = new Properties();
        p.setProperty("input", kind.name().toLowerCase(Locale.ROOT));
        p.setProperty("resolution", Integer.toString(resolution));
        p.setProperty("scale", Integer.toString(scale));
        p.setProperty("pixelScale", Float.toString(pixelScale));
        if (channelMean != null) {
            p.setProperty("channelMean", join(channelMean));
            p.setProperty("channelStd", join(channelStd));
        }
        try (OutputStream out = Files.newOutputStream(folder.resolve("input.properties"))) {
            p.store(out, "how images become inputs (org.alexnet.predict.InputPipeline)");
        }
        if (meanImage != null) {
            try (NDManager scope = manager.newSubManager();
                    OutputStream out = Files.newOutputStream(folder.resolve("mean-image.npz"))) {
                NDArray m = meanImage.toNDArray(scope);
                m.setName("mean");
                new NDList(m).encode(out, NDList.Encoding.NPZ);
            }
        }
    }

    /** Reads what {@link #save} wrote. */
    public static InputPipeline load(Path folder, NDManager manager) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(folder.resolve("input.properties"))) {
            p.load(in);
        }
        int resolution = Integer.parseInt(p.getProperty("resolution"));
        int scale = Integer.parseInt(p.getProperty("scale"));
        switch (Kind.valueOf(p.getProperty("input").toUpperCase(Locale.ROOT))) {
            case GREY:
                return grey(resolution);
            case CHANNEL_MEAN:
                return channelMean(split(p.getProperty("channelMean")), split(p.getProperty("channelStd")));
            default:
                try (NDManager scope = manager.newSubManager();
                        InputStream in = Files.newInputStream(folder.resolve("mean-image.npz"))) {
                    FloatImage mean = FloatImage.of(NDList.decode(scope, in).head());
                    return meanImage(
                            resolution,
                            scale,
                            new FloatImage(3, scale, scale, mean.data().clone()),
                            Float.parseFloat(p.getProperty("pixelScale")));
                }
        }
    }

    private static String join(float[] v) {
        StringBuilder s = new StringBuilder();
        for (float f : v) {
            s.append(s.length() == 0 ? "" : ",").append(f);
        }
        return s.toString();
    }

    private static float[] split(String s) {
        String[] parts = s.split(",");
        float[] v = new float[parts.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = Float.parseFloat(parts[i].trim());
        }
        return v;
    }

    @Override
    public String toString() {
        switch (kind) {
            case GREY:
                return "grey 28x28 in [0, 1], resized to " + resolution;
            case MEAN_IMAGE:
                return "shorter side " + scale + ", central " + resolution + " patch(es), mean image subtracted, x"
                        + pixelScale;
            default:
                return "shorter side " + scale + ", central " + resolution
                        + " patch(es), RGB/255 normalised per channel";
        }
    }
}
