package org.alexnet.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class FourLayerNetTest {

    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void shapesAndParametersOnFashionMnist(String engine) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
            ModelSummary s =
                    AlexNetTest.summarise(new FourLayerNet(10, ActivationKind.TANH), m, new Shape(1, 1, 28, 28));
            // 28 -> 13 -> 6 -> 2 after each 3x3 stride-2 pool; the convolutions keep the size.
            assertEquals(new Shape(32, 13, 13), s.row("pool1").getOutput());
            assertEquals(new Shape(32, 6, 6), s.row("pool2").getOutput());
            assertEquals(new Shape(64, 2, 2), s.row("pool3").getOutput());
            assertEquals(new Shape(10), s.row("fc4").getOutput());
            long conv1 = 32 * 1 * 25 + 32;
            long conv2 = 32 * 32 * 25 + 32;
            long conv3 = 64 * 32 * 25 + 64;
            long fc4 = 64 * 2 * 2 * 10 + 10;
            assertEquals(conv1, s.row("conv1").getParameters());
            assertEquals(conv1 + conv2 + conv3 + fc4, s.getTotalParameters());
            assertEquals(80_298L, s.getTotalParameters());
        }
    }
}
