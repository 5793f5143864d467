package org.alexnet.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The values the paper fixes, read back from the built network's behaviour rather than its settings:
 * a changed dropout rate or pooling window makes these fail.
 */
class PaperConstantsTest {

    private static NDArray forward(Block block, NDManager m, NDArray x, boolean training) {
        block.initialize(m, DataType.FLOAT32, x.getShape());
        if (!training) {
            return block.forward(new ParameterStore(m, false), new NDList(x), false)
                    .head();
        }
        // MXNet's dropout runs in training mode only inside a gradient collector.
        try (GradientCollector collector = m.getEngine().newGradientCollector()) {
            return block.forward(new ParameterStore(m, false), new NDList(x), true)
                    .head();
        }
    }

    /**
     * Dropout 0.5 in fc6 and fc7 (section 4.2): in training mode about half of the units are zeroed and
     * the kept ones are scaled by 1 / (1 - 0.5) = 2 (DJL's inverted dropout, the same expected output as
     * the paper's x0.5 at test time); in inference mode the layer is the identity.
     */
    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void dropoutKeepsHalfOfTheUnitsInTraining(String engine) {
        AlexNet net = AlexNet.paper();
        int n = 200_000;
        for (String layer : new String[] {"drop6", "drop7"}) {
            try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
                Block drop = net.layer(layer);
                NDArray ones = m.ones(new Shape(1, n));
                float[] out = forward(drop, m, ones, true).toFloatArray();
                long kept = 0;
                for (float v : out) {
                    if (v != 0) {
                        kept++;
                        assertEquals(2f, v, 1e-6f, layer + ": kept units are scaled by 1 / (1 - 0.5)");
                    }
                }
                // Binomial(n, 0.5): sd = sqrt(n) / 2 ~ 224 units; 0.01 * n is about 9 sd.
                assertEquals(0.5, (double) kept / n, 0.01, layer + ": fraction of units kept");
                assertArrayEquals(
                        ones.toFloatArray(),
                        forward(drop, m, ones, false).toFloatArray(),
                        layer + ": identity at test time");
            }
        }
    }

    /**
     * Overlapping pooling (section 3.4): 3x3 windows, stride 2, no padding, in pool1, pool2 and pool5.
     * Each output must be the maximum of its own 3x3 window; a 2x2 window gives the same 13x13 shape
     * from 27x27 maps, so the values are what pins the window.
     */
    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void poolingTakesTheMaximumOverThreeByThreeWindowsWithStrideTwo(String engine) {
        AlexNet net = AlexNet.paper();
        int side = 27;
        int outSide = (side - 3) / 2 + 1;
        float[] input = new float[2 * side * side];
        Random random = new Random(7);
        for (int i = 0; i < input.length; i++) {
            input[i] = random.nextFloat() * 2 - 1;
        }
        for (String layer : new String[] {"pool1", "pool2", "pool5"}) {
            try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
                NDArray x = m.create(input, new Shape(1, 2, side, side));
                NDArray y = forward(net.layer(layer), m, x, false);
                assertEquals(new Shape(1, 2, outSide, outSide), y.getShape(), layer);
                float[] got = y.toFloatArray();
                for (int c = 0; c < 2; c++) {
                    for (int i = 0; i < outSide; i++) {
                        for (int j = 0; j < outSide; j++) {
                            float max = Float.NEGATIVE_INFINITY;
                            for (int di = 0; di < 3; di++) {
                                for (int dj = 0; dj < 3; dj++) {
                                    max = Math.max(max, input[(c * side + 2 * i + di) * side + 2 * j + dj]);
                                }
                            }
                            assertEquals(
                                    max,
                                    got[(c * outSide + i) * outSide + j],
                                    0f,
                                    layer + " output (" + c + ", " + i + ", " + j + ")");
                        }
                    }
                }
            }
        }
    }

    /** Neighbouring windows overlap by one row/column (s = 2 < z = 3): one large value shows up in two outputs. */
    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void neighbouringPoolingWindowsOverlap(String engine) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
            float[] input = new float[7 * 7];
            input[2 * 7 + 2] = 1; // row 2, column 2: inside windows starting at 0 and at 2 in both directions
            NDArray y = forward(AlexNet.paper().layer("pool1"), m, m.create(input, new Shape(1, 1, 7, 7)), false);
            assertArrayEquals(new float[] {1, 1, 0, 1, 1, 0, 0, 0, 0}, y.toFloatArray(), 0f);
            assertTrue(AlexNet.paper().getConfig().isOverlappingPooling());
        }
    }
}
