package org.alexnet.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PaperInitTest {

    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void weightsAreNormalWithStd001AndBiasesFollowThePaper(String engine) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
            AlexNet net = AlexNet.paper();
            net.initialize(m, DataType.FLOAT32, new Shape(1, 3, 224, 224));
            int checked = 0;
            for (String layer : new String[] {"conv1", "conv2", "conv3", "conv4", "conv5", "fc6", "fc7", "fc8"}) {
                for (var p : net.layer(layer).getParameters()) {
                    Parameter param = p.getValue();
                    float[] v = param.getArray().toFloatArray();
                    if (param.getType() == Parameter.Type.WEIGHT) {
                        double mean = 0;
                        for (float f : v) {
                            mean += f;
                        }
                        mean /= v.length;
                        double var = 0;
                        for (float f : v) {
                            var += (f - mean) * (f - mean);
                        }
                        double std = Math.sqrt(var / v.length);
                        // conv1 has 34,848 weights: the sample std is within ~1% of 0.01.
                        assertEquals(0.01, std, 0.0005, layer + " weight std");
                        assertEquals(0.0, mean, 0.0005, layer + " weight mean");
                    } else {
                        float want = PaperInit.BIAS_ONE_LAYERS.contains(layer) ? 1f : 0f;
                        for (float f : v) {
                            assertEquals(want, f, 0f, layer + " bias");
                        }
                    }
                    checked++;
                }
            }
            assertEquals(16, checked);
        }
    }

    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void fashionVariantUsesDjlDefaultInitialisation(String engine) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
            AlexNet net = AlexNet.fashionMnist();
            net.initialize(m, DataType.FLOAT32, new Shape(1, 1, 96, 96));
            NDArray w = net.layer("fc6").getParameters().get("weight").getArray();
            // Xavier for fc6 (fan-in 256 at 96 px): much wider than 0.01.
            double std = Math.sqrt(w.sub(w.mean()).square().mean().getFloat());
            assertTrue(std > 0.02, "fc6 std " + std);
        }
    }
}
