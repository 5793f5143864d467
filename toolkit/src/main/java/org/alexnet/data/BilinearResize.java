package org.alexnet.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Transform;

/**
 * Batched bilinear resizing of the last two axes of a float array, e.g. {@code (B,H,W)} or {@code
 * (B,C,H,W)}.
 *
 * <p>Bilinear interpolation is separable, so the whole batch is resized with two matrix products,
 * {@code out = Ry * X * Rx^T}, where {@code Ry} ({@code outH x H}) and {@code Rx} ({@code outW x W})
 * hold the interpolation weights. That runs as BLAS matmul on any engine instead of a per-pixel
 * loop. Pixel centres are aligned (half-pixel convention, as {@code align_corners=false} in PyTorch
 * and {@code INTER_LINEAR} in OpenCV) and source coordinates are clamped at the edges. When
 * shrinking there is no anti-aliasing, same as those libraries.
 */
public final class BilinearResize implements Transform {

    private static final String MXNET = "MXNet";

    private final int height;
    private final int width;

    /**
     * @param height output height
     * @param width output width
     */
    public BilinearResize(int height, int width) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("Output size must be positive: " + height + "x" + width);
        }
        this.height = height;
        this.width = width;
    }

    /**
     * @param size output height and width
     */
    public BilinearResize(int size) {
        this(size, size);
    }

    /** {@inheritDoc} */
    @Override
    public NDArray transform(NDArray array) {
        return resize(array, height, width);
    }

    /**
     * Resizes the last two axes of {@code x}. The result is attached to {@code x}'s manager; all
     * intermediate arrays are freed before returning.
     *
     * @param x a float32 array of rank 2 or more, e.g. {@code (B,H,W)} or {@code (B,C,H,W)}
     * @param outHeight output height
     * @param outWidth output width
     * @return a new array of shape {@code (..., outHeight, outWidth)}
     */
    public static NDArray resize(NDArray x, int outHeight, int outWidth) {
        Shape shape = x.getShape();
        int rank = shape.dimension();
        if (rank < 2) {
            throw new IllegalArgumentException("Need at least (H,W), got shape " + shape);
        }
        if (x.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("Need float32, got " + x.getDataType());
        }
        int h = Math.toIntExact(shape.get(rank - 2));
        int w = Math.toIntExact(shape.get(rank - 1));
        long n = shape.size() / ((long) h * w);
        long[] outDims = shape.getShape().clone(); // getShape() exposes the internal array
        outDims[rank - 2] = outHeight;
        outDims[rank - 1] = outWidth;
        if (h == outHeight && w == outWidth) {
            return x.duplicate();
        }

        NDManager manager = x.getManager();
        // A scratch manager owns the weight matrices and every intermediate array.
        try (NDManager tmp = manager.newSubManager()) {
            NDArray ry = tmp.create(weights(h, outHeight), new Shape(outHeight, h));
            NDArray rxT = tmp.create(transpose(weights(w, outWidth), outWidth, w), new Shape(w, outWidth));
            NDArray batch = x.reshape(n, h, w);
            batch.attach(tmp);
            // (n*H, W) x (W, outW): one plain GEMM over all rows of all images.
            NDArray cols = batch.reshape(n * h, w).matMul(rxT);
            NDArray rows = cols.reshape(n, h, outWidth);
            NDArray out;
            if (MXNET.equals(manager.getEngine().getEngineName())) {
                // MXNet's numpy matmul does not batch its GEMMs; legacy batch_dot does (about 4x
                // faster here), but needs the weights repeated over the batch.
                out = ry.broadcast(n, outHeight, h).batchDot(rows);
            } else {
                // (outH, H) x (n, H, outW): the 2-D weight matrix broadcasts over the batch.
                out = ry.matMul(rows);
            }
            out = out.reshape(new Shape(outDims));
            out.attach(manager);
            return out;
        }
    }

    /**
     * The interpolation matrix that maps a line of {@code inSize} samples to {@code outSize}
     * samples, row-major {@code outSize x inSize}. Every row has at most two non-zero weights and
     * sums to one.
     *
     * @param inSize input length
     * @param outSize output length
     * @return the weights, {@code w[o * inSize + i]}
     */
    public static float[] weights(int inSize, int outSize) {
        float[] m = new float[outSize * inSize];
        double scale = (double) inSize / outSize;
        for (int o = 0; o < outSize; o++) {
            // Centre of output pixel o, expressed in input pixel coordinates.
            double src = Math.max((o + 0.5) * scale - 0.5, 0.0);
            int i0 = Math.min((int) src, inSize - 1);
            int i1 = Math.min(i0 + 1, inSize - 1);
            float frac = (float) (src - i0);
            if (i0 == inSize - 1) {
                frac = 0f; // past the last centre: clamp to the edge pixel
            }
            m[o * inSize + i0] += 1f - frac;
            m[o * inSize + i1] += frac;
        }
        return m;
    }

    private static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = m[r * cols + c];
            }
        }
        return t;
    }
}
