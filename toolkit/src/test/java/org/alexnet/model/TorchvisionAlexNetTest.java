package org.alexnet.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TorchvisionAlexNetTest {

    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void torchvisionShapesAndParameters(String engine) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
            ModelSpec spec = ModelSpec.of(ModelSpec.Variant.parse("alexnet-torchvision"), 1000, 3);
            ModelSummary s = AlexNetTest.summarise(spec.build(), m, new Shape(1, 3, 224, 224));
            assertEquals(new Shape(64, 55, 55), s.row("conv1").getOutput());
            assertEquals(new Shape(192, 27, 27), s.row("conv2").getOutput());
            assertEquals(new Shape(256, 6, 6), s.row("avgpool").getOutput());
            assertEquals(3 * 64 * 121 + 64, s.row("conv1").getParameters());
            assertEquals(64 * 192 * 25 + 192, s.row("conv2").getParameters());
            assertEquals(192 * 384 * 9 + 384, s.row("conv3").getParameters());
            assertEquals(384 * 256 * 9 + 256, s.row("conv4").getParameters());
            assertEquals(256 * 256 * 9 + 256, s.row("conv5").getParameters());
            assertEquals(9216 * 4096 + 4096, s.row("fc6").getParameters());
            assertEquals(61_100_840L, s.getTotalParameters());
            // The spec survives a checkpoint's or an export's properties.
            assertEquals(
                    spec.toString(),
                    ModelSpec.fromProperties(spec.toProperties()).toString());
        }
    }

    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void adaptivePoolingAveragesOverlappingWindows(String engine) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
            // One 1x5 row pooled to 1x3: windows [0,2), [1,4), [3,5) as PyTorch's floor/ceil bounds give.
            NDArray x = m.create(new float[] {1, 2, 3, 4, 5}, new Shape(1, 1, 1, 5));
            NDArray y = new AdaptiveAvgPool(1, 3)
                    .forward(new ParameterStore(m, false), new NDList(x), false)
                    .head();
            assertEquals(new Shape(1, 1, 1, 3), y.getShape());
            assertArrayEquals(new float[] {1.5f, 3f, 4.5f}, y.toFloatArray(), 1e-6f);
        }
    }
}
