package org.alexnet.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Multiply-adds (MACs) of {@link ModelSummary} against numbers worked out by hand. */
class ModelSummaryTest {

    /**
     * A small network with a grouped convolution, a non-square kernel with unequal strides, layers that
     * count nothing (ReLU, pooling, flatten) and a dense layer, on a 2x8x8 input.
     */
    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void smallNetworkMatchesAHandCount(String engine) {
        LayerStack net = new LayerStack()
                .add(
                        "conv1",
                        Conv2d.builder()
                                .setFilters(4)
                                .setKernelShape(new Shape(3, 3))
                                .optPadding(new Shape(1, 1))
                                .optGroups(2)
                                .build())
                .add("act1", Activation.reluBlock())
                .add("pool1", Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(
                        "conv2",
                        Conv2d.builder()
                                .setFilters(6)
                                .setKernelShape(new Shape(3, 2))
                                .optStride(new Shape(1, 2))
                                .build())
                .add("flatten", Blocks.batchFlattenBlock())
                .add("fc", Linear.builder().setUnits(5).build());
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
            ModelSummary s = AlexNetTest.summarise(net, m, new Shape(1, 2, 8, 8));
            // conv1: output 4x8x8 = 256 elements, each a dot product over (2 channels / 2 groups) x 3 x 3 = 9.
            assertEquals(2_304L, s.row("conv1").getMacs());
            assertEquals(0L, s.row("act1").getMacs());
            // pool1: 4x4x4, not counted.
            assertEquals(0L, s.row("pool1").getMacs());
            // conv2 on 4x4x4: height 4 - 3 + 1 = 2, width (4 - 2) / 2 + 1 = 2, so 6x2x2 = 24 elements,
            // each over 4 channels x 3 x 2 = 24 products: 576.
            assertEquals(new Shape(6, 2, 2), s.row("conv2").getOutput());
            assertEquals(576L, s.row("conv2").getMacs());
            assertEquals(0L, s.row("flatten").getMacs());
            // fc: 24 inputs x 5 outputs.
            assertEquals(120L, s.row("fc").getMacs());
            assertEquals(3_000L, s.getTotalMacs());
        }
    }

    /**
     * The paper's two-tower network at 224 (conv1 padded to give 55x55), per layer:
     * out_C x out_H x out_W x in_C / groups x k x k, and in x out for the dense layers.
     */
    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void paperAlexNetAt224(String engine) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
            ModelSummary s = AlexNetTest.summarise(AlexNet.paper(), m, new Shape(1, 3, 224, 224));
            Map<String, Long> expected = Map.of(
                    "conv1", 105_415_200L, // 96x55x55 = 290,400 outputs x 3 x 11 x 11 (363)
                    "conv2", 223_948_800L, // 256x27x27 = 186,624 x 48 x 5 x 5 (1,200): two towers of 48 maps
                    "conv3", 149_520_384L, // 384x13x13 = 64,896 x 256 x 3 x 3 (2,304): across both towers
                    "conv4", 112_140_288L, // 64,896 x 192 x 3 x 3 (1,728)
                    "conv5", 74_760_192L, // 256x13x13 = 43,264 x 1,728
                    "fc6", 37_748_736L, // 9,216 x 4,096
                    "fc7", 16_777_216L, // 4,096 x 4,096
                    "fc8", 4_096_000L); // 4,096 x 1,000
            expected.forEach((layer, macs) -> assertEquals(macs, s.row(layer).getMacs(), layer));
            for (String none : new String[] {"act1", "lrn1", "pool1", "lrn2", "pool5", "flatten", "drop6"}) {
                assertEquals(0L, s.row(none).getMacs(), none);
            }
            // Sum of the above: 0.724 G multiply-adds per image.
            assertEquals(724_406_816L, s.getTotalMacs());
        }
    }

    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void singleTowerAndFashionMnistVariants(String engine) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
            // One tower: conv2, conv4 and conv5 see all maps, twice the two-tower count:
            // 724,406,816 + 223,948,800 + 112,140,288 + 74,760,192.
            ModelSummary one =
                    AlexNetTest.summarise(AlexNet.builder().optTowers(1).build(), m, new Shape(1, 3, 224, 224));
            assertEquals(1_135_256_096L, one.getTotalMacs());

            // d2l's Fashion-MNIST AlexNet at 224 (1 channel, unpadded conv1: 54, 26, 12, 12, 12, 5):
            // 96x54x54x121 + 256x26x26x96x25 + 384x12x12x256x9 + 384x12x12x384x9 + 256x12x12x384x9
            // + 6400x4096 + 4096x4096 + 4096x10.
            ModelSummary d2l = AlexNetTest.summarise(AlexNet.fashionMnist(), m, new Shape(1, 1, 224, 224));
            assertEquals(33_872_256L, d2l.row("conv1").getMacs());
            assertEquals(415_334_400L, d2l.row("conv2").getMacs());
            assertEquals(26_214_400L, d2l.row("fc6").getMacs());
            assertEquals(938_146_176L, d2l.getTotalMacs());

            // The same at 96 px (22, 10, 4, 4, 4, 1): 5,622,144 + 61,440,000 + 14,155,776 + 21,233,664
            // + 14,155,776 + 256x4096 + 4096x4096 + 4096x10.
            ModelSummary small = AlexNetTest.summarise(AlexNet.fashionMnist(), m, new Shape(1, 1, 96, 96));
            assertEquals(61_440_000L, small.row("conv2").getMacs());
            assertEquals(1_048_576L, small.row("fc6").getMacs());
            assertEquals(134_474_112L, small.getTotalMacs());
        }
    }

    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void tablesShowTheMacsOnlyWhenAsked(String engine) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
            ModelSummary s = AlexNetTest.summarise(AlexNet.paper(), m, new Shape(1, 3, 224, 224));
            String plain = s.toText();
            String withMacs = s.toText(true);
            assertTrue(!plain.contains("MACs") && !plain.contains("724,406,816"), plain);
            assertTrue(
                    withMacs.contains("105,415,200")
                            && withMacs.contains("724,406,816")
                            && withMacs.contains("pooling, ReLU, LRN"),
                    withMacs);
            assertTrue(
                    withMacs.lines()
                            .anyMatch(l -> l.startsWith("conv1") && l.contains("34,944") && l.endsWith("105,415,200")),
                    withMacs);
            String html = s.toHtml(true);
            assertTrue(html.contains("<th style=\"text-align:right\">MACs</th>") && html.contains("724,406,816"), html);
            assertTrue(!s.toHtml().contains("MACs"));
        }
    }
}
