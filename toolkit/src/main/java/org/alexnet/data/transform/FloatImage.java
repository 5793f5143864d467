package org.alexnet.data.transform;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.nio.FloatBuffer;

/**
 * An image on the host as channels x height x width floats (pixel values 0..255 for RGB input,
 * the paper's scale). The transforms in this package work on it, so that the same code serves the
 * multi-threaded input pipeline and the DJL {@link ai.djl.translate.Transform} interface.
 */
public final class FloatImage {

    private final int channels;
    private final int height;
    private final int width;
    private final float[] data;

    /** Wraps {@code data} (CHW, row-major) without copying. */
    public FloatImage(int channels, int height, int width, float[] data) {
        if (channels < 1 || height < 1 || width < 1 || data.length != channels * height * width) {
            throw new IllegalArgumentException(
                    "data of length " + data.length + " does not hold " + channels + "x" + height + "x" + width);
        }
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.data = data;
    }

    /** A zero image. */
    public static FloatImage zeros(int channels, int height, int width) {
        return new FloatImage(channels, height, width, new float[channels * height * width]);
    }

    /** The RGB pixels of {@code image} (any type), 0..255. */
    public static FloatImage of(BufferedImage image) {
        BufferedImage bgr = Images.toBgr(image);
        byte[] px = ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
        int h = bgr.getHeight();
        int w = bgr.getWidth();
        int plane = h * w;
        float[] out = new float[3 * plane];
        for (int i = 0; i < plane; i++) {
            out[i] = px[3 * i + 2] & 0xFF;
            out[plane + i] = px[3 * i + 1] & 0xFF;
            out[2 * plane + i] = px[3 * i] & 0xFF;
        }
        return new FloatImage(3, h, w, out);
    }

    /** An image from a (C, H, W) array of any numeric type. */
    public static FloatImage of(NDArray array) {
        Shape s = array.getShape();
        if (s.dimension() != 3) {
            throw new IllegalArgumentException("expected an image of shape (C, H, W), got " + s);
        }
        return new FloatImage(
                (int) s.get(0),
                (int) s.get(1),
                (int) s.get(2),
                array.toType(DataType.FLOAT32, false).toFloatArray());
    }

    /** This image as a (C, H, W) float32 array. */
    public NDArray toNDArray(NDManager manager) {
        return manager.create(FloatBuffer.wrap(data), new Shape(channels, height, width));
    }

    /**
     * This RGB image as a {@link BufferedImage}, values rounded and clamped to 0..255 (for display,
     * and for resizing with Java2D).
     */
    public BufferedImage toBufferedImage() {
        if (channels != 3 && channels != 1) {
            throw new IllegalStateException("only 1- or 3-channel images convert to BufferedImage, not " + channels);
        }
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        byte[] px = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
        int plane = height * width;
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                float v = data[(channels == 1 ? 0 : c) * plane + i];
                int b = Math.round(Math.max(0f, Math.min(255f, v)));
                px[3 * i + 2 - c] = (byte) b;
            }
        }
        return out;
    }

    /** The rectangle {@code [top, top+h) x [left, left+w)} as a new image. */
    public FloatImage crop(int top, int left, int h, int w) {
        if (top < 0 || left < 0 || h < 1 || w < 1 || top + h > height || left + w > width) {
            throw new IllegalArgumentException(String.format(
                    "crop %dx%d at (%d, %d) does not fit in a %dx%d image", h, w, top, left, height, width));
        }
        float[] out = new float[channels * h * w];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(data, (c * height + top + y) * width + left, out, (c * h + y) * w, w);
            }
        }
        return new FloatImage(channels, h, w, out);
    }

    /** The mirror image (left and right swapped). */
    public FloatImage flipHorizontally() {
        float[] out = new float[data.length];
        for (int row = 0; row < channels * height; row++) {
            int base = row * width;
            for (int x = 0; x < width; x++) {
                out[base + x] = data[base + width - 1 - x];
            }
        }
        return new FloatImage(channels, height, width, out);
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** The pixel values (CHW, row-major); not a copy. */
    public float[] data() {
        return data;
    }

    /** The value at channel {@code c}, row {@code y}, column {@code x}. */
    public float get(int c, int y, int x) {
        return data[(c * height + y) * width + x];
    }

    @Override
    public String toString() {
        return "FloatImage(" + channels + "x" + height + "x" + width + ")";
    }
}
