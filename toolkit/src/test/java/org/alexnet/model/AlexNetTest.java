package org.alexnet.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AlexNetTest {

    /** Parameters of a conv layer, by hand: out * (in / groups) * k * k weights + out biases. */
    private static long conv(long in, long out, long k, long groups) {
        return out * (in / groups) * k * k + out;
    }

    private static long fc(long in, long out) {
        return in * out + out;
    }

    /** Initialises {@code net} for {@code input} and summarises it (ModelSummaryTest uses it too). */
    static ModelSummary summarise(Block net, NDManager m, Shape input) {
        net.initialize(m, DataType.FLOAT32, input);
        return ModelSummary.of(net, input);
    }

    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void paperTwoTowerShapesAndParameters(String engine) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
            ModelSummary s = summarise(AlexNet.paper(), m, new Shape(1, 3, 224, 224));
            Map<String, Shape> expected = new LinkedHashMap<>();
            expected.put("conv1", new Shape(96, 55, 55));
            expected.put("lrn1", new Shape(96, 55, 55));
            expected.put("pool1", new Shape(96, 27, 27));
            expected.put("conv2", new Shape(256, 27, 27));
            expected.put("lrn2", new Shape(256, 27, 27));
            expected.put("pool2", new Shape(256, 13, 13));
            expected.put("conv3", new Shape(384, 13, 13));
            expected.put("conv4", new Shape(384, 13, 13));
            expected.put("conv5", new Shape(256, 13, 13));
            expected.put("pool5", new Shape(256, 6, 6));
            expected.put("flatten", new Shape(9216));
            expected.put("fc6", new Shape(4096));
            expected.put("fc7", new Shape(4096));
            expected.put("fc8", new Shape(1000));
            expected.forEach((layer, shape) -> assertEquals(shape, s.row(layer).getOutput(), layer));

            // Per layer against the formula; two towers: conv2, conv4, conv5 see half of the maps.
            assertEquals(conv(3, 96, 11, 1), s.row("conv1").getParameters());
            assertEquals(conv(96, 256, 5, 2), s.row("conv2").getParameters());
            assertEquals(conv(256, 384, 3, 1), s.row("conv3").getParameters());
            assertEquals(conv(384, 384, 3, 2), s.row("conv4").getParameters());
            assertEquals(conv(384, 256, 3, 2), s.row("conv5").getParameters());
            assertEquals(fc(9216, 4096), s.row("fc6").getParameters());
            assertEquals(fc(4096, 4096), s.row("fc7").getParameters());
            assertEquals(fc(4096, 1000), s.row("fc8").getParameters());
            assertEquals(60_965_224L, s.getTotalParameters());
        }
    }

    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void singleTowerParameterCount(String engine) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
            ModelSummary s = summarise(AlexNet.builder().optTowers(1).build(), m, new Shape(1, 3, 224, 224));
            assertEquals(62_378_344L, s.getTotalParameters());
            assertEquals(new Shape(1000), s.getOutput());
        }
    }

    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void fashionMnistVariantShapesAndParameters(String engine) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
            ModelSummary s = summarise(AlexNet.fashionMnist(), m, new Shape(1, 1, 224, 224));
            assertEquals(new Shape(96, 54, 54), s.row("conv1").getOutput());
            assertEquals(new Shape(96, 26, 26), s.row("pool1").getOutput());
            assertEquals(new Shape(256, 26, 26), s.row("conv2").getOutput());
            assertEquals(new Shape(256, 12, 12), s.row("pool2").getOutput());
            assertEquals(new Shape(256, 12, 12), s.row("conv5").getOutput());
            assertEquals(new Shape(256, 5, 5), s.row("pool5").getOutput());
            assertEquals(new Shape(6400), s.row("flatten").getOutput());
            assertEquals(new Shape(10), s.getOutput());
            assertEquals(46_764_746L, s.getTotalParameters());
            assertTrue(s.getRows().stream().noneMatch(r -> r.getName().startsWith("lrn")));
        }
    }

    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void forwardPassGivesClassScoresForEveryExample(String engine) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
            AlexNet net = AlexNet.fashionMnistBuilder().build();
            Shape input = new Shape(2, 1, 96, 96);
            net.initialize(m, DataType.FLOAT32, input);
            NDArray x = m.randomUniform(0, 1, input);
            NDList out = net.forward(new ParameterStore(m, false), new NDList(x), false);
            assertEquals(new Shape(2, 10), out.head().getShape());
            assertTrue(Float.isFinite(out.head().sum().getFloat()));
        }
    }

    @Test
    void nonOverlappingPoolingKeepsTheOutputSizes() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "MXNet")) {
            ModelSummary s =
                    summarise(AlexNet.builder().optOverlappingPooling(false).build(), m, new Shape(1, 3, 224, 224));
            assertEquals(new Shape(96, 27, 27), s.row("pool1").getOutput());
            assertEquals(new Shape(256, 13, 13), s.row("pool2").getOutput());
            assertEquals(new Shape(256, 6, 6), s.row("pool5").getOutput());
            assertEquals(60_965_224L, s.getTotalParameters());
        }
    }

    @Test
    void conv1Padding0With227InputIsThePapersGeometry() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "MXNet")) {
            ModelSummary s = summarise(AlexNet.builder().optConv1Padding(0).build(), m, new Shape(1, 3, 227, 227));
            assertEquals(new Shape(96, 55, 55), s.row("conv1").getOutput());
            assertEquals(60_965_224L, s.getTotalParameters());
        }
    }

    @Test
    void activationOptionPutsTheChosenBlockEverywhere() {
        AlexNet net = AlexNet.builder().optActivation(ActivationKind.TANH).build();
        for (String act : new String[] {"act1", "act2", "act3", "act4", "act5", "act6", "act7"}) {
            assertTrue(net.layer(act).toString().toLowerCase().contains("tanh"), act + ": " + net.layer(act));
        }
    }

    @Test
    void badOptionsAreRejectedWithAClearMessage() {
        var e = assertThrows(
                IllegalArgumentException.class, () -> AlexNet.builder().optTowers(3));
        assertTrue(e.getMessage().contains("towers must be 1 or 2"));
        assertThrows(IllegalArgumentException.class, () -> AlexNet.builder().optDropout(1f));
        assertThrows(IllegalArgumentException.class, () -> AlexNet.builder().optClasses(0));
        var small = assertThrows(
                IllegalArgumentException.class, () -> AlexNet.paper().inputShape(64));
        assertTrue(small.getMessage().contains("at least 67"));
    }

    @Test
    void summaryTextAndHtmlListEveryLayerAndTheTotal() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "MXNet")) {
            ModelSummary s = summarise(AlexNet.paper(), m, new Shape(1, 3, 224, 224));
            String text = s.toText();
            assertTrue(text.contains("conv1") && text.contains("96x55x55") && text.contains("34,944"), text);
            assertTrue(text.contains("60,965,224"), text);
            String html = s.toHtml();
            assertTrue(html.startsWith("<table") && html.contains("<td>fc6</td>") && html.contains("37,752,832"), html);
        }
    }

    @Test
    void leNetHasTheClassicShapesAndParameterCount() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "MXNet")) {
            ModelSummary s = summarise(new LeNet(10), m, new Shape(1, 1, 28, 28));
            assertEquals(new Shape(6, 28, 28), s.row("conv1").getOutput());
            assertEquals(new Shape(6, 14, 14), s.row("pool1").getOutput());
            assertEquals(new Shape(16, 10, 10), s.row("conv2").getOutput());
            assertEquals(new Shape(16, 5, 5), s.row("pool2").getOutput());
            assertEquals(new Shape(10), s.getOutput());
            long expected = conv(1, 6, 5, 1) + conv(6, 16, 5, 1) + fc(400, 120) + fc(120, 84) + fc(84, 10);
            assertEquals(expected, s.getTotalParameters());
            assertEquals(61_706L, s.getTotalParameters());
        }
    }
}
