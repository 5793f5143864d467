package org.alexnet.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.modality.cv.util.NDImageUtils;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class BilinearResizeTest {

    /** Textbook per-pixel bilinear (half-pixel centres, edge clamp), one image at a time. */
    static float[] direct(float[] img, int n, int h, int w, int outH, int outW) {
        float[] out = new float[n * outH * outW];
        for (int b = 0; b < n; b++) {
            for (int oy = 0; oy < outH; oy++) {
                double sy = Math.max((oy + 0.5) * h / outH - 0.5, 0);
                int y0 = Math.min((int) Math.floor(sy), h - 1);
                int y1 = Math.min(y0 + 1, h - 1);
                double fy = y0 == h - 1 ? 0 : sy - y0;
                for (int ox = 0; ox < outW; ox++) {
                    double sx = Math.max((ox + 0.5) * w / outW - 0.5, 0);
                    int x0 = Math.min((int) Math.floor(sx), w - 1);
                    int x1 = Math.min(x0 + 1, w - 1);
                    double fx = x0 == w - 1 ? 0 : sx - x0;
                    int base = b * h * w;
                    double top = img[base + y0 * w + x0] * (1 - fx) + img[base + y0 * w + x1] * fx;
                    double bot = img[base + y1 * w + x0] * (1 - fx) + img[base + y1 * w + x1] * fx;
                    out[(b * outH + oy) * outW + ox] = (float) (top * (1 - fy) + bot * fy);
                }
            }
        }
        return out;
    }

    static float[] random(int size, long seed) {
        Random r = new Random(seed);
        float[] a = new float[size];
        for (int i = 0; i < size; i++) {
            a[i] = r.nextFloat();
        }
        return a;
    }

    static float maxAbsDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    @Test
    void weightRowsAreConvexCombinations() {
        for (int[] io : new int[][] {{28, 224}, {28, 64}, {28, 28}, {28, 13}, {5, 7}}) {
            float[] m = BilinearResize.weights(io[0], io[1]);
            for (int o = 0; o < io[1]; o++) {
                double sum = 0;
                int nonZero = 0;
                for (int i = 0; i < io[0]; i++) {
                    float v = m[o * io[0] + i];
                    assertTrue(v >= 0, "negative weight");
                    nonZero += v != 0 ? 1 : 0;
                    sum += v;
                }
                assertEquals(1.0, sum, 1e-6);
                assertTrue(nonZero <= 2);
            }
        }
        // Same size: identity.
        float[] id = BilinearResize.weights(4, 4);
        assertArrayEquals(new float[] {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1}, id);
    }

    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void matchesDirectComputation(String engine) {
        int[][] cases = {
            {28, 28, 224, 224},
            {28, 28, 64, 64},
            {28, 28, 96, 96},
            {28, 28, 13, 17},
            {20, 28, 50, 9}
        };
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
            for (int[] c : cases) {
                int n = 5;
                float[] img = random(n * c[0] * c[1], c[2]);
                NDArray x = manager.create(img, new Shape(n, c[0], c[1]));
                NDArray y = BilinearResize.resize(x, c[2], c[3]);
                assertEquals(new Shape(n, c[2], c[3]), y.getShape());
                float err = maxAbsDiff(direct(img, n, c[0], c[1], c[2], c[3]), y.toFloatArray());
                assertTrue(err < 1e-5, engine + " case " + c[2] + "x" + c[3] + " error " + err);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void fourDimensionalInputResizesEveryChannel(String engine) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
            float[] img = random(2 * 3 * 28 * 28, 7);
            NDArray x = manager.create(img, new Shape(2, 3, 28, 28));
            NDArray y = new BilinearResize(64).transform(x);
            assertEquals(new Shape(2, 3, 64, 64), y.getShape());
            float err = maxAbsDiff(direct(img, 6, 28, 28, 64, 64), y.toFloatArray());
            assertTrue(err < 1e-5, "error " + err);
        }
    }

    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void constantImageStaysConstant(String engine) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
            NDArray x = manager.full(new Shape(4, 28, 28), 0.7f);
            for (int size : new int[] {224, 64, 11}) {
                float[] y = BilinearResize.resize(x, size, size).toFloatArray();
                assertEquals(4 * size * size, y.length);
                for (float v : y) {
                    assertEquals(0.7f, v, 1e-6);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void freesIntermediatesAndKeepsResultOnInputManager(String engine) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
            NDArray x = manager.create(random(2 * 28 * 28, 3), new Shape(2, 28, 28));
            int before = manager.getManagedArrays().size();
            NDArray y = BilinearResize.resize(x, 64, 64);
            assertEquals(manager, y.getManager());
            assertEquals(before + 1, manager.getManagedArrays().size());
        }
    }

    /**
     * DJL's own image resize: OpenCV INTER_LINEAR on MXNet, interpolate(align_corners=false) on
     * PyTorch.
     */
    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void matchesDjlImageResize(String engine) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
            int n = 3;
            float[] img = random(n * 28 * 28, 11);
            for (int size : new int[] {224, 64, 96}) {
                NDArray nchw = manager.create(img, new Shape(n, 1, 28, 28));
                NDArray nhwc = manager.create(img, new Shape(n, 28, 28, 1));
                float[] ours = BilinearResize.resize(nchw, size, size).toFloatArray();
                float[] djl = NDImageUtils.resize(nhwc, size, size).toFloatArray();
                float err = maxAbsDiff(djl, ours);
                assertTrue(err < 1e-5, engine + " R=" + size + " error " + err);
            }
        }
    }
}
