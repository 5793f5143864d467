package org.alexnet.bench;

import ai.djl.Device;
import ai.djl.mxnet.engine.MxNDArray;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;

/**
 * The machine's float32 matrix-product speed as an engine delivers it, the fastest of several
 * repetitions of three operations, because an engine routes them to different libraries:
 *
 * <ul>
 *   <li>{@code NDArray.matMul} of two random n x n matrices, 2 n^3 / t FLOP/s: the SGEMM figure (MXNet:
 *       its BLAS, the bundled OpenBLAS; PyTorch: at::matmul);
 *   <li>{@link Linear#linear} on the same matrices (MXNet: FullyConnected, oneDNN's inner product when
 *       oneDNN is on; PyTorch: at::linear), the operation of the dense layers;
 *   <li>a 3x3 convolution, padding 1, 256 to 256 channels on 64 x 256 x 26 x 26 (AlexNet's conv3-conv5
 *       kind of work, 2 x 25.5 G FLOP), through the engine's convolution (oneDNN on both engines).
 * </ul>
 *
 * The best of the three is the peak the training throughput is compared with.
 */
final class GemmPeak {

    /** Shape of the convolution measured: batch, channels in = out, side. */
    static final int CONV_BATCH = 64;

    static final int CONV_CHANNELS = 256;
    static final int CONV_SIDE = 26;

    /** GFLOP/s of the best repetition of each operation. */
    record Result(String engine, int n, int repetitions, double matMulGflops, double linearGflops, double convGflops) {

        /** The fastest of the three operations. */
        double best() {
            return Math.max(matMulGflops, Math.max(linearGflops, convGflops));
        }
    }

    private GemmPeak() {}

    static Result measure(String engine, int n, int repetitions) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
            NDArray a = manager.randomUniform(-1, 1, new Shape(n, n));
            NDArray b = manager.randomUniform(-1, 1, new Shape(n, n));
            sync(a);
            sync(b);
            double matMul = best(manager, a, b, repetitions, Op.MATMUL);
            double linear = best(manager, a, b, repetitions, Op.LINEAR);
            double flop = 2.0 * n * n * (double) n;
            NDArray x = manager.randomUniform(-1, 1, new Shape(CONV_BATCH, CONV_CHANNELS, CONV_SIDE, CONV_SIDE));
            NDArray w = manager.randomUniform(-0.1f, 0.1f, new Shape(CONV_CHANNELS, CONV_CHANNELS, 3, 3));
            sync(x);
            sync(w);
            double conv = best(manager, x, w, repetitions, Op.CONV);
            double convFlop = 2.0 * CONV_BATCH * CONV_CHANNELS * CONV_SIDE * CONV_SIDE * CONV_CHANNELS * 9;
            return new Result(engine, n, repetitions, flop / matMul / 1e9, flop / linear / 1e9, convFlop / conv / 1e9);
        }
    }

    private enum Op {
        MATMUL,
        LINEAR,
        CONV
    }

    /** Fastest of one warm-up plus {@code repetitions} operations, in seconds. */
    private static double best(NDManager manager, NDArray a, NDArray b, int repetitions, Op op) {
        double best = Double.POSITIVE_INFINITY;
        for (int r = 0; r <= repetitions; r++) {
            try (NDManager step = manager.newSubManager()) {
                long t0 = System.nanoTime();
                NDArray c = switch (op) {
                    case MATMUL -> a.matMul(b);
                    case LINEAR -> Linear.linear(a, b).head();
                    case CONV ->
                        Conv2d.conv2d(a, b, null, new Shape(1, 1), new Shape(1, 1))
                                .head();
                };
                c.attach(step);
                sync(c);
                double t = (System.nanoTime() - t0) / 1e9;
                if (r > 0) {
                    best = Math.min(best, t);
                }
            }
        }
        return best;
    }

    /**
     * Waits until {@code x} is computed: MXNet runs operations asynchronously (its engine threads), PyTorch
     * on the CPU synchronously. (Reading one element through a slice crashed MXNet with SIGFPE on a
     * convolution's gradient held in oneDNN's blocked layout.)
     */
    static void sync(NDArray x) {
        if (x instanceof MxNDArray mx) {
            mx.waitToRead();
        }
    }
}
