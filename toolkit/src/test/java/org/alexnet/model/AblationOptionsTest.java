package org.alexnet.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The model options the paper's ablations need, counted by hand, and ModelSpec as a value. */
class AblationOptionsTest {

    private static ModelSummary summary(ModelSpec spec, int side) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            return AlexNetTest.summarise(spec.build(), m, new Shape(1).addAll(spec.inputShape(side)));
        }
    }

    private static final ModelSpec PAPER = ModelSpec.of(ModelSpec.Variant.ALEXNET, 1000, 3);

    @Test
    void oneGpuNetHalvesConv1ToConv4() {
        ModelSummary s = summary(PAPER.withTowers(1).withConvWidth(0.5f), 224);
        assertEquals(new Shape(48, 55, 55), s.row("conv1").getOutput());
        assertEquals(new Shape(128, 27, 27), s.row("conv2").getOutput());
        assertEquals(new Shape(192, 13, 13), s.row("conv3").getOutput());
        assertEquals(new Shape(192, 13, 13), s.row("conv4").getOutput());
        assertEquals(new Shape(256, 13, 13), s.row("conv5").getOutput()); // footnote 3: not halved
        // 48*363+48 + 128*1200+128 + 192*1152+192 + 192*1728+192 + 256*1728+256
        //   + (9216*4096+4096) + (4096*4096+4096) + (4096*1000+1000)
        assertEquals(17_472L, s.row("conv1").getParameters());
        assertEquals(153_728L, s.row("conv2").getParameters());
        assertEquals(442_624L, s.row("conv5").getParameters());
        assertEquals(59_798_312L, s.getTotalParameters());
    }

    @Test
    void withoutConv3Conv4TakesConv2sMaps() {
        ModelSummary s = summary(PAPER.without("conv3"), 224);
        assertThrows(IllegalArgumentException.class, () -> s.row("conv3"));
        assertEquals(new Shape(384, 13, 13), s.row("conv4").getOutput());
        // conv4 now reads 256 maps in two towers: 384 * 128 * 9 + 384.
        assertEquals(442_752L, s.row("conv4").getParameters());
        // the paper's 60,965,224 - conv3 (884,736 + 384) - conv4's lost inputs (384 * 64 * 9)
        assertEquals(60_965_224L - 885_120L - 221_184L, s.getTotalParameters());

        ModelSummary noConv4 = summary(PAPER.without("conv4"), 224);
        assertThrows(IllegalArgumentException.class, () -> noConv4.row("conv4"));
        // conv5 reads conv3's 384 maps in two towers: 256 * 192 * 9 + 256, as in the full net.
        assertEquals(442_624L, noConv4.row("conv5").getParameters());
        assertEquals(60_965_224L - (384L * 192 * 9 + 384), noConv4.getTotalParameters());
        assertThrows(IllegalArgumentException.class, () -> PAPER.without("conv5"));
    }

    @Test
    void convnet4IsFigureOnesNetworkWithItsActivation() {
        ModelSpec tanh = ModelSpec.of(ModelSpec.Variant.CONVNET4, 10, 1).withActivation(ActivationKind.TANH);
        ModelSummary s = summary(tanh, 28);
        assertEquals(80_298L, s.getTotalParameters());
        assertTrue(tanh.build() instanceof FourLayerNet);
        FourLayerNet net = (FourLayerNet) tanh.build();
        assertTrue(
                net.layer("act1").toString().toLowerCase().contains("tanh"),
                net.layer("act1").toString());
        assertEquals(new Shape(1, 15, 15), tanh.inputShape(15));
        assertThrows(IllegalArgumentException.class, () -> tanh.inputShape(14));
        assertEquals("convnet4(classes=10, activation=tanh)", tanh.toString());
    }

    @Test
    void specIsAValueAndSurvivesProperties() {
        ModelSpec base = ModelSpec.of(ModelSpec.Variant.ALEXNET, 10, 1);
        ModelSpec changed =
                base.withTowers(1).withConvWidth(0.5f).without("conv4").withLrn(false);
        assertEquals(2, base.getOptions().getTowers()); // the original is unchanged
        assertTrue(base.getOptions().getRemoved().isEmpty());
        base.getOptions().optTowers(1); // a copy: changing it changes nothing
        assertEquals(2, base.getOptions().getTowers());
        assertNotEquals(base, changed);
        assertEquals(changed, ModelSpec.fromProperties(changed.toProperties()));
        assertEquals("conv4", changed.toProperties().getProperty("removed"));
        assertEquals("0.5", changed.toProperties().getProperty("convWidth"));
        ModelSpec four = ModelSpec.of(ModelSpec.Variant.CONVNET4, 10, 1).withActivation(ActivationKind.TANH);
        assertEquals(four, ModelSpec.fromProperties(four.toProperties()));
    }

    @Test
    void checkpointsWrittenBeforeTheNewKeysStillLoad() {
        Properties old = ModelSpec.of(ModelSpec.Variant.ALEXNET_FASHION, 10, 1)
                .withDropout(0.3f)
                .toProperties();
        old.remove("convWidth");
        old.remove("removed");
        ModelSpec read = ModelSpec.fromProperties(old);
        assertEquals(1f, read.getOptions().getConvWidth());
        assertTrue(read.getOptions().getRemoved().isEmpty());
        assertEquals(0.3f, read.getOptions().getDropout());
        assertFalse(read.getOptions().isLrn());
    }
}
