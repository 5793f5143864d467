package org.alexnet.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.alexnet.TestEngines;
import org.alexnet.model.LocalResponseNorm.Implementation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class LocalResponseNormTest {

    // (N, C, H, W): 7 channels so that both clipped edges and full windows of n=5 occur.
    private static final Shape SHAPE = new Shape(2, 7, 5, 4);
    private static final double TOLERANCE = 1e-5;

    @Test
    void paperDefaults() {
        LocalResponseNorm lrn = LocalResponseNorm.paper();
        assertEquals(5, lrn.getSize());
        assertEquals(1e-4f, lrn.getAlpha());
        assertEquals(0.75f, lrn.getBeta());
        assertEquals(2f, lrn.getK());
        assertEquals(Implementation.AUTO, lrn.getImplementation());
        assertEquals("LocalResponseNorm(n=5, alpha=1.0E-4, beta=0.75, k=2.0)", lrn.toString());
        LocalResponseNorm built = LocalResponseNorm.builder()
                .optSize(3)
                .optAlpha(2e-4f)
                .optBeta(0.5f)
                .optK(1f)
                .optImplementation(Implementation.PORTABLE)
                .build();
        assertEquals("LocalResponseNorm(n=3, alpha=2.0E-4, beta=0.5, k=1.0)", built.toString());
        assertEquals(Implementation.PORTABLE, built.getImplementation());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, -3, 2, 4, 6})
    void rejectsBadSize(int n) {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> LocalResponseNorm.builder().optSize(n).build());
        assertTrue(e.getMessage().contains("odd and positive"), e.getMessage());
    }

    @Test
    void rejectsBadConstants() {
        assertThrows(
                IllegalArgumentException.class,
                () -> LocalResponseNorm.builder().optAlpha(-1f).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> LocalResponseNorm.builder().optK(0f).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> LocalResponseNorm.builder().optBeta(Float.NaN).build());
    }

    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void outputShapeEqualsInputShape(String engine) {
        LocalResponseNorm lrn = LocalResponseNorm.paper();
        assertArrayEquals(new Shape[] {SHAPE}, lrn.getOutputShapes(new Shape[] {SHAPE}));
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
            for (Implementation impl : implementationsFor(engine, DataType.FLOAT32)) {
                NDArray x = manager.create(randomInput(1), SHAPE);
                NDArray y = forward(block(impl), manager, x, false);
                assertEquals(SHAPE, y.getShape(), impl.toString());
                assertEquals(DataType.FLOAT32, y.getDataType(), impl.toString());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void forwardMatchesPaperFormula(String engine) {
        float[] a = randomInput(42);
        double[] expected = referenceForward(a, 5, 1e-4, 0.75, 2);
        // The input is large enough that alpha * sum matters: had alpha been divided by n
        // (the MXNet/PyTorch/Caffe convention) the result would be far outside the tolerance.
        assertTrue(relativeError(referenceForward(a, 5, 1e-4 / 5, 0.75, 2), expected) > 1e-2);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
            for (Implementation impl : implementationsFor(engine, DataType.FLOAT32)) {
                double err = relativeError(runForward(manager, impl, a, DataType.FLOAT32), expected);
                report("forward ", engine, impl, DataType.FLOAT32, err);
                assertTrue(err < TOLERANCE, engine + " " + impl + " forward error " + err);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void gradientMatchesAnalyticGradient(String engine) {
        // float32 throughout: the errors observed are ~1e-7, well inside 1e-5.
        float[] a = randomInput(7);
        float[] g = randomInput(8);
        double[] expected = referenceGradient(a, g, 5, 1e-4, 0.75, 2);
        // As for the forward pass, the alpha term visibly shapes the gradient.
        assertTrue(relativeError(referenceGradient(a, g, 5, 1e-4 / 5, 0.75, 2), expected) > 1e-2);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
            for (Implementation impl : implementationsFor(engine, DataType.FLOAT32)) {
                double err = relativeError(runGradient(manager, impl, a, g, DataType.FLOAT32), expected);
                report("gradient", engine, impl, DataType.FLOAT32, err);
                assertTrue(err < TOLERANCE, engine + " " + impl + " gradient error " + err);
            }
        }
    }

    /**
     * float64 goes through PORTABLE on both engines (MXNet's LRN is float32-only). The bound is
     * 1e-7, not ~1e-15, because alpha is a float: MXNet gets the scalar as the string "1.0E-4"
     * (exactly 1e-4 in double) while PyTorch widens the float32 bits (1e-4 * (1 + 4.7e-8)), which
     * shows up as ~5e-9 relative error against a reference using alpha = 1e-4.
     */
    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void float64ForwardAndGradient(String engine) {
        float[] a = randomInput(11);
        float[] g = randomInput(12);
        double[] expectedY = referenceForward(a, 5, 1e-4, 0.75, 2);
        double[] expectedGrad = referenceGradient(a, g, 5, 1e-4, 0.75, 2);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
            for (Implementation impl : implementationsFor(engine, DataType.FLOAT64)) {
                double[] y = runForward(manager, impl, a, DataType.FLOAT64);
                double[] grad = runGradient(manager, impl, a, g, DataType.FLOAT64);
                double errY = relativeError(y, expectedY);
                double errGrad = relativeError(grad, expectedGrad);
                report("forward ", engine, impl, DataType.FLOAT64, errY);
                report("gradient", engine, impl, DataType.FLOAT64, errGrad);
                assertTrue(errY < 1e-7, engine + " " + impl + " float64 forward " + errY);
                assertTrue(errGrad < 1e-7, engine + " " + impl + " float64 gradient " + errGrad);
            }
        }
    }

    @Test
    void nativeAndPortableAgreeOnMxnet() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), TestEngines.MXNET)) {
            NDArray x = manager.create(randomInput(3), SHAPE);
            float[] nat =
                    forward(block(Implementation.NATIVE), manager, x, false).toFloatArray();
            float[] port =
                    forward(block(Implementation.PORTABLE), manager, x, false).toFloatArray();
            double err = relativeError(toDouble(nat), toDouble(port));
            System.out.printf("LRN MXNet NATIVE vs PORTABLE max rel diff %.2e%n", err);
            assertTrue(err < TOLERANCE, "NATIVE vs PORTABLE " + err);
        }
    }

    @Test
    void nativeFailsClearlyOffMxnet() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), TestEngines.PYTORCH)) {
            NDArray x = manager.create(randomInput(4), SHAPE);
            UnsupportedOperationException e = assertThrows(
                    UnsupportedOperationException.class,
                    () -> forward(block(Implementation.NATIVE), manager, x, false));
            assertTrue(e.getMessage().contains("PORTABLE"), e.getMessage());
        }
    }

    @Test
    void nativeRejectsNonFloat32OnMxnet() {
        // MXNet's LRN would accept float64 and then fail asynchronously on the next read.
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), TestEngines.MXNET)) {
            NDArray x = manager.create(randomInput(5), SHAPE).toType(DataType.FLOAT64, false);
            UnsupportedOperationException e = assertThrows(
                    UnsupportedOperationException.class,
                    () -> forward(block(Implementation.NATIVE), manager, x, false));
            assertTrue(e.getMessage().contains("float32"), e.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void saveAndLoadParameters(String engine) throws Exception {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
            LocalResponseNorm saved = LocalResponseNorm.paper();
            saved.initialize(manager, DataType.FLOAT32, SHAPE);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream os = new DataOutputStream(bytes)) {
                saved.saveParameters(os);
            }
            LocalResponseNorm loaded = LocalResponseNorm.paper();
            try (DataInputStream is = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                loaded.loadParameters(manager, is);
                assertEquals(0, is.available(), "block must read exactly what it wrote");
            }
            assertTrue(loaded.isInitialized());
            assertArrayEquals(new Shape[] {SHAPE}, loaded.getInputShapes());
        }
    }

    // ---------------------------------------------------------------------------------------

    /** NATIVE only exists for float32 on MXNet; see the two nativeRejects/Fails tests. */
    private static List<Implementation> implementationsFor(String engine, DataType dataType) {
        List<Implementation> impls = new ArrayList<>(List.of(Implementation.values()));
        if (!TestEngines.MXNET.equals(engine) || dataType != DataType.FLOAT32) {
            impls.remove(Implementation.NATIVE);
        }
        return impls;
    }

    private static LocalResponseNorm block(Implementation impl) {
        return LocalResponseNorm.builder().optImplementation(impl).build();
    }

    private static NDArray forward(LocalResponseNorm block, NDManager manager, NDArray x, boolean training) {
        return block.forward(new ParameterStore(manager, false), new NDList(x), training)
                .head();
    }

    private static double[] runForward(NDManager manager, Implementation impl, float[] a, DataType dataType) {
        NDArray x = manager.create(a, SHAPE).toType(dataType, false);
        NDArray y = forward(block(impl), manager, x, false);
        assertEquals(dataType, y.getDataType());
        return y.toType(DataType.FLOAT64, false).toDoubleArray();
    }

    /** d(sum(b * g))/da through the engine's autograd. */
    private static double[] runGradient(
            NDManager manager, Implementation impl, float[] a, float[] g, DataType dataType) {
        NDArray x = manager.create(a, SHAPE).toType(dataType, false);
        NDArray gOut = manager.create(g, SHAPE).toType(dataType, false);
        x.setRequiresGradient(true);
        try (GradientCollector gc = manager.getEngine().newGradientCollector()) {
            NDArray y = forward(block(impl), manager, x, true);
            gc.backward(y.mul(gOut).sum());
        }
        return x.getGradient().toType(DataType.FLOAT64, false).toDoubleArray();
    }

    private static void report(String what, String engine, Implementation impl, DataType dataType, double err) {
        System.out.printf("LRN %s %-7s %-8s %-7s max rel err %.2e%n", what, engine, impl, dataType, err);
    }

    /** Values of magnitude 10..50 with random sign, so alpha * sum(a^2) is of order 0.1..1. */
    private static float[] randomInput(long seed) {
        Random random = new Random(seed);
        float[] a = new float[(int) SHAPE.size()];
        for (int i = 0; i < a.length; i++) {
            float v = 10 + 40 * random.nextFloat();
            a[i] = random.nextBoolean() ? v : -v;
        }
        return a;
    }

    private static int idx(int n, int c, int h, int w) {
        return ((n * (int) SHAPE.get(1) + c) * (int) SHAPE.get(2) + h) * (int) SHAPE.get(3) + w;
    }

    /** s_i = k + alpha * sum over the clipped window of a_j^2, for every element. */
    private static double[] denominatorBase(float[] a, int size, double alpha, double k) {
        int[] d = toInts(SHAPE);
        double[] s = new double[a.length];
        for (int n = 0; n < d[0]; n++) {
            for (int c = 0; c < d[1]; c++) {
                for (int h = 0; h < d[2]; h++) {
                    for (int w = 0; w < d[3]; w++) {
                        double sum = 0;
                        int lo = Math.max(0, c - size / 2);
                        int hi = Math.min(d[1] - 1, c + size / 2);
                        for (int j = lo; j <= hi; j++) {
                            double v = a[idx(n, j, h, w)];
                            sum += v * v;
                        }
                        s[idx(n, c, h, w)] = k + alpha * sum;
                    }
                }
            }
        }
        return s;
    }

    /** The paper's formula, b_i = a_i / s_i^beta, in double precision. */
    private static double[] referenceForward(float[] a, int size, double alpha, double beta, double k) {
        double[] s = denominatorBase(a, size, alpha, k);
        double[] b = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = a[i] / Math.pow(s[i], beta);
        }
        return b;
    }

    /**
     * d(sum(b * g))/da_j = g_j s_j^-beta - 2 alpha beta a_j sum_{i : j in window(i)} g_i a_i
     * s_i^(-beta-1), in double precision. The window relation is symmetric (|i - j| <= n/2).
     */
    private static double[] referenceGradient(float[] a, float[] g, int size, double alpha, double beta, double k) {
        int[] d = toInts(SHAPE);
        double[] s = denominatorBase(a, size, alpha, k);
        double[] grad = new double[a.length];
        for (int n = 0; n < d[0]; n++) {
            for (int c = 0; c < d[1]; c++) {
                for (int h = 0; h < d[2]; h++) {
                    for (int w = 0; w < d[3]; w++) {
                        int j = idx(n, c, h, w);
                        double cross = 0;
                        int lo = Math.max(0, c - size / 2);
                        int hi = Math.min(d[1] - 1, c + size / 2);
                        for (int ci = lo; ci <= hi; ci++) {
                            int i = idx(n, ci, h, w);
                            cross += g[i] * (double) a[i] * Math.pow(s[i], -beta - 1);
                        }
                        grad[j] = g[j] * Math.pow(s[j], -beta) - 2 * alpha * beta * a[j] * cross;
                    }
                }
            }
        }
        return grad;
    }

    /** max |actual - expected| / max |expected|. */
    private static double relativeError(double[] actual, double[] expected) {
        assertEquals(expected.length, actual.length);
        double maxDiff = 0;
        double maxRef = 0;
        for (int i = 0; i < expected.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
            maxRef = Math.max(maxRef, Math.abs(expected[i]));
        }
        return maxDiff / maxRef;
    }

    private static double[] toDouble(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    private static int[] toInts(Shape shape) {
        int[] out = new int[shape.dimension()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) shape.get(i);
        }
        return out;
    }
}
