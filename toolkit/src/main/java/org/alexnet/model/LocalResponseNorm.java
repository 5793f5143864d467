package org.alexnet.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Local response normalisation across channels, exactly as in the AlexNet paper (Krizhevsky et
 * al. 2012, section 3.3), for NCHW input:
 *
 * <pre>
 *   b_i = a_i / (k + alpha * sum_{j = max(0, i - n/2)}^{min(N - 1, i + n/2)} a_j^2)^beta
 * </pre>
 *
 * <p>Note that the paper's {@code alpha} multiplies the plain sum; it is <em>not</em> divided by
 * {@code n} as in MXNet's {@code LRN}, PyTorch's {@code LocalResponseNorm} or Caffe. This block has
 * no parameters and its output shape equals its input shape.
 */
public class LocalResponseNorm extends AbstractBlock {

    /** How the block computes its output. */
    public enum Implementation {
        /** {@link #NATIVE} for float32 input on MXNet, {@link #PORTABLE} otherwise. */
        AUTO,
        /** The engine's native {@code LRN} operator (MXNet and float32 only). */
        NATIVE,
        /** Plain NDArray operations, differentiable on every engine. */
        PORTABLE
    }

    // Parameterless: the default (de)serialisation only stores the input shapes.
    private static final byte VERSION = 1;
    private static final String MXNET = "MXNet";

    private final int size;
    private final float alpha;
    private final float beta;
    private final float k;
    private final Implementation implementation;

    LocalResponseNorm(Builder builder) {
        super(VERSION);
        size = builder.size;
        alpha = builder.alpha;
        beta = builder.beta;
        k = builder.k;
        implementation = builder.implementation;
    }

    /**
     * Returns a block with the paper's values: n=5, alpha=1e-4, beta=0.75, k=2.
     *
     * @return a new block with the paper's hyperparameters
     */
    public static LocalResponseNorm paper() {
        return builder().build();
    }

    /**
     * Creates a builder; its defaults are the paper's values.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        if (x.getShape().dimension() != 4) {
            throw new IllegalArgumentException("LocalResponseNorm expects NCHW input, got shape " + x.getShape());
        }
        return new NDList(useNative(x) ? lrnNative(x) : lrnPortable(x));
    }

    private boolean useNative(NDArray x) {
        String engine = x.getManager().getEngine().getEngineName();
        // MXNet's LRN kernel is float32-only: other dtypes fail asynchronously, on a later read.
        boolean nativeOk = MXNET.equals(engine) && x.getDataType() == DataType.FLOAT32;
        switch (implementation) {
            case NATIVE:
                if (!nativeOk) {
                    // Fail here with a useful message rather than later with an obscure one.
                    throw new UnsupportedOperationException(
                            "LocalResponseNorm NATIVE needs MXNet's LRN operator and float32"
                                    + " input, got engine "
                                    + engine
                                    + " and "
                                    + x.getDataType()
                                    + "; use PORTABLE or AUTO");
                }
                return true;
            case PORTABLE:
                return false;
            default:
                return nativeOk;
        }
    }

    /** MXNet's LRN operator; it divides alpha by nsize, so pass alpha * n to get the paper's. */
    private NDArray lrnNative(NDArray x) {
        PairList<String, Object> opParams = new PairList<>();
        opParams.add("nsize", size);
        opParams.add("alpha", alpha * size);
        opParams.add("beta", beta);
        opParams.add("knorm", k);
        // MXNet's LRN has a hidden second output (the norm); only the first is visible.
        return x.getManager().invoke("LRN", new NDList(x), opParams).head();
    }

    /** Engine-neutral version built from ops that autograd differentiates on every engine. */
    private NDArray lrnPortable(NDArray x) {
        Shape shape = x.getShape();
        long channels = shape.get(1);
        int half = size / 2;
        NDArray squared = x.square();
        // Zero-pad the channel axis by n/2 on each side so every window has exactly n slices;
        // the padding contributes nothing, which matches the paper's clipped sum at the edges.
        NDArray padded = squared;
        if (half > 0) {
            Shape padShape = new Shape(shape.get(0), half, shape.get(2), shape.get(3));
            NDArray pad = x.getManager().zeros(padShape, x.getDataType(), x.getDevice());
            padded = NDArrays.concat(new NDList(pad, squared, pad), 1);
        }
        // Window sum over channels: add the n shifted channel slices.
        NDArray sum = padded.get(new NDIndex(":, 0:{}", channels));
        for (int d = 1; d < size; d++) {
            sum = sum.add(padded.get(new NDIndex(":, {}:{}", d, d + channels)));
        }
        return x.div(sum.mul(alpha).add(k).pow(beta));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    /**
     * Returns the window size n (number of adjacent channels summed over).
     *
     * @return n
     */
    public int getSize() {
        return size;
    }

    /**
     * Returns alpha as in the paper (not divided by n).
     *
     * @return alpha
     */
    public float getAlpha() {
        return alpha;
    }

    /**
     * Returns the exponent beta.
     *
     * @return beta
     */
    public float getBeta() {
        return beta;
    }

    /**
     * Returns the additive constant k.
     *
     * @return k
     */
    public float getK() {
        return k;
    }

    /**
     * Returns how the output is computed.
     *
     * @return the implementation choice
     */
    public Implementation getImplementation() {
        return implementation;
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return "LocalResponseNorm(n=" + size + ", alpha=" + alpha + ", beta=" + beta + ", k=" + k + ")";
    }

    /** Builder for {@link LocalResponseNorm}; defaults are the paper's values. */
    public static final class Builder {

        private int size = 5;
        private float alpha = 1e-4f;
        private float beta = 0.75f;
        private float k = 2f;
        private Implementation implementation = Implementation.AUTO;

        Builder() {}

        /**
         * Sets the window size n; must be odd and positive. Defaults to 5.
         *
         * @param size n
         * @return this builder
         */
        public Builder optSize(int size) {
            this.size = size;
            return this;
        }

        /**
         * Sets alpha as in the paper (not divided by n). Defaults to 1e-4.
         *
         * @param alpha alpha
         * @return this builder
         */
        public Builder optAlpha(float alpha) {
            this.alpha = alpha;
            return this;
        }

        /**
         * Sets the exponent beta. Defaults to 0.75.
         *
         * @param beta beta
         * @return this builder
         */
        public Builder optBeta(float beta) {
            this.beta = beta;
            return this;
        }

        /**
         * Sets the additive constant k. Defaults to 2.
         *
         * @param k k
         * @return this builder
         */
        public Builder optK(float k) {
            this.k = k;
            return this;
        }

        /**
         * Sets how the output is computed. Defaults to {@link Implementation#AUTO}.
         *
         * @param implementation the implementation choice
         * @return this builder
         */
        public Builder optImplementation(Implementation implementation) {
            this.implementation = implementation;
            return this;
        }

        /**
         * Builds the block.
         *
         * @return a new {@link LocalResponseNorm}
         * @throws IllegalArgumentException if a value is out of range
         */
        public LocalResponseNorm build() {
            if (size <= 0 || size % 2 == 0) {
                throw new IllegalArgumentException("LocalResponseNorm size n must be odd and positive, got " + size);
            }
            if (!(alpha >= 0) || !Float.isFinite(alpha)) {
                throw new IllegalArgumentException("LocalResponseNorm alpha must be finite and >= 0, got " + alpha);
            }
            if (!Float.isFinite(beta)) {
                throw new IllegalArgumentException("LocalResponseNorm beta must be finite, got " + beta);
            }
            if (!(k > 0) || !Float.isFinite(k)) {
                throw new IllegalArgumentException("LocalResponseNorm k must be finite and > 0, got " + k);
            }
            if (implementation == null) {
                throw new IllegalArgumentException("LocalResponseNorm implementation is null");
            }
            return new LocalResponseNorm(this);
        }
    }
}
