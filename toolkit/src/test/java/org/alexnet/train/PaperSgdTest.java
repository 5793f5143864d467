package org.alexnet.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.tracker.Tracker;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.stream.Stream;
import org.alexnet.TestEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fused update against the paper's rule computed here in double precision, step by step:
 * v &lt;- mu v - wd lr w - lr g; w &lt;- w + v. Learning rates change between steps (a drop), and the
 * momentum buffers go through save and load, also from one engine to the other.
 */
class PaperSgdTest {

    static final float MU = 0.9f;
    static final float WD = 0.05f;
    static final float[] W0 = {1f, -2f, 0.5f};
    /** Gradients of six steps, and the learning rate of each: two drops by 10. */
    static final float[][] GRADS = {
        {0.3f, -0.1f, 2f}, {-1f, 0.4f, 0.25f}, {0.5f, 0.5f, -0.5f},
        {0.2f, -0.7f, 1f}, {-0.3f, 0.1f, 0.6f}, {0.9f, -0.2f, -0.4f}
    };

    static final float[] LRS = {0.1f, 0.1f, 0.01f, 0.01f, 0.001f, 0.001f};

    /** The paper's rule in double precision: weights and momentum after {@code steps} steps. */
    static double[][] reference(int steps, float momentum) {
        double[] w = {W0[0], W0[1], W0[2]};
        double[] v = new double[3];
        for (int s = 0; s < steps; s++) {
            for (int i = 0; i < 3; i++) {
                v[i] = momentum * v[i] - WD * LRS[s] * w[i] - LRS[s] * GRADS[s][i];
                w[i] += v[i];
            }
        }
        return new double[][] {w, v};
    }

    /** A tracker whose value the test sets before each step, as LearningRateSchedule does per epoch. */
    static final class SettableRate implements Tracker {
        float value;

        @Override
        public float getNewValue(int numUpdate) {
            return value;
        }
    }

    static PaperSgd sgd(SettableRate rate, float momentum) {
        return PaperSgd.builder()
                .setLearningRateTracker(rate)
                .optMomentum(momentum)
                .optWeightDecays(WD)
                .build();
    }

    static void steps(PaperSgd sgd, SettableRate rate, NDArray weight, int from, int to) {
        NDManager m = weight.getManager();
        for (int s = from; s < to; s++) {
            rate.value = LRS[s];
            sgd.update("p", weight, m.create(GRADS[s]));
        }
    }

    static void assertClose(double[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-6, what + " " + i);
        }
    }

    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void fusedUpdateIsThePapersRuleAcrossLearningRateDrops(String engine) {
        SettableRate rate = new SettableRate();
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine);
                PaperSgd sgd = sgd(rate, MU)) {
            NDArray weight = m.create(W0.clone());
            for (int s = 0; s < GRADS.length; s++) {
                steps(sgd, rate, weight, s, s + 1);
                double[][] ref = reference(s + 1, MU);
                assertClose(ref[0], weight.toFloatArray(), "weight after step " + (s + 1));
                assertClose(ref[1], sgd.paperVelocity("p"), "momentum after step " + (s + 1));
            }
            assertEquals(1, sgd.stateSize());
        }
    }

    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void withoutMomentumItIsPlainSgdWithWeightDecay(String engine) {
        SettableRate rate = new SettableRate();
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine);
                PaperSgd sgd = sgd(rate, 0f)) {
            NDArray weight = m.create(W0.clone());
            steps(sgd, rate, weight, 0, GRADS.length);
            assertClose(reference(GRADS.length, 0f)[0], weight.toFloatArray(), "weight");
            assertEquals(0, sgd.stateSize());
            assertNull(sgd.paperVelocity("p"));
        }
    }

    /** Saved after 3 steps by {@code writer}, loaded by {@code reader}, 3 more steps: as if never stopped. */
    @ParameterizedTest
    @MethodSource("enginePairs")
    void resumeAfterADropMatchesTheUninterruptedRule(String writer, String reader) throws IOException {
        SettableRate rate = new SettableRate();
        byte[] saved;
        float[] weightAtSave;
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), writer);
                PaperSgd a = sgd(rate, MU)) {
            NDArray weight = m.create(W0.clone());
            steps(a, rate, weight, 0, 3);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            a.saveState(new DataOutputStream(bytes), id -> "layer_weight");
            saved = bytes.toByteArray();
            weightAtSave = weight.toFloatArray();
        }
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), reader);
                PaperSgd b = sgd(rate, MU)) {
            b.loadState(new DataInputStream(new ByteArrayInputStream(saved)), m, name -> "p");
            assertClose(reference(3, MU)[1], b.paperVelocity("p"), "loaded momentum");
            NDArray weight = m.create(weightAtSave);
            steps(b, rate, weight, 3, GRADS.length);
            double[][] ref = reference(GRADS.length, MU);
            assertClose(ref[0], weight.toFloatArray(), "weight after resume");
            assertClose(ref[1], b.paperVelocity("p"), "momentum after resume");
        }
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> enginePairs() {
        return TestEngines.all()
                .flatMap(w -> TestEngines.all().map(r -> org.junit.jupiter.params.provider.Arguments.of(w, r)));
    }

    /**
     * Checkpoints written before the update was fused (format 2) hold the paper's v written by the
     * multi-op update; the state section is laid out as count, then name and array per parameter.
     */
    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void stateWrittenByTheEarlierOptimiserStillLoads(String engine) throws IOException {
        double[][] after3 = reference(3, MU);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(1);
            out.writeUTF("layer_weight");
            float[] v = new float[3];
            for (int i = 0; i < 3; i++) {
                v[i] = (float) after3[1][i];
            }
            ArrayStreams.write(out, m.create(v));
        }
        SettableRate rate = new SettableRate();
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine);
                PaperSgd b = sgd(rate, MU)) {
            b.loadState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), m, name -> "p");
            float[] w = new float[3];
            for (int i = 0; i < 3; i++) {
                w[i] = (float) after3[0][i];
            }
            NDArray weight = m.create(w);
            steps(b, rate, weight, 3, GRADS.length);
            assertClose(reference(GRADS.length, MU)[0], weight.toFloatArray(), "weight");
        }
    }

    @Test
    void engineSignsAreFoundByProbing() {
        // MXNet keeps the paper's v; the PyTorch engine keeps -v (DJL's native update adds lr * grad).
        assertEquals(1f, PaperSgd.stateSign(Engine.getEngine(TestEngines.MXNET)));
        assertEquals(-1f, PaperSgd.stateSign(Engine.getEngine(TestEngines.PYTORCH)));
    }

    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void closeFreesTheBuffers(String engine) {
        SettableRate rate = new SettableRate();
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
            PaperSgd sgd = sgd(rate, MU);
            steps(sgd, rate, m.create(W0.clone()), 0, 1);
            // DJL detaches optimiser state from every manager: nothing else would free it.
            NDArray buffer = sgd.buffer("p", Device.cpu());
            sgd.close();
            assertEquals(0, sgd.stateSize());
            assertTrue(buffer.isReleased());
        }
    }

    /**
     * Data-parallel training updates each device's copy of a weight in turn with the same summed
     * gradient; every copy must follow the rule on its own momentum, also after a load. (A CPU has
     * one device, so the second copy is named gpu(1) for the optimiser's per-device state.)
     */
    @Test
    void everyDeviceCopyKeepsItsOwnMomentumAlsoAfterALoad() throws IOException {
        SettableRate rate = new SettableRate();
        Device second = Device.gpu(1);
        byte[] saved;
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), TestEngines.MXNET);
                PaperSgd sgd = sgd(rate, MU)) {
            NDArray w0 = m.create(W0.clone());
            NDArray w1 = m.create(W0.clone());
            for (int s = 0; s < 3; s++) {
                rate.value = LRS[s];
                sgd.update("p", w0, m.create(GRADS[s]));
                sgd.update("p", w1, m.create(GRADS[s]), second);
                double[][] ref = reference(s + 1, MU);
                assertClose(ref[0], w0.toFloatArray(), "device 0 after step " + (s + 1));
                assertClose(ref[0], w1.toFloatArray(), "device 1 after step " + (s + 1));
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            sgd.saveState(new DataOutputStream(bytes), id -> "layer_weight");
            saved = bytes.toByteArray();
        }
        double[][] after3 = reference(3, MU);
        float[] w = new float[3];
        for (int i = 0; i < 3; i++) {
            w[i] = (float) after3[0][i];
        }
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), TestEngines.MXNET);
                PaperSgd sgd = sgd(rate, MU)) {
            sgd.loadState(new DataInputStream(new ByteArrayInputStream(saved)), m, name -> "p");
            NDArray w0 = m.create(w.clone());
            NDArray w1 = m.create(w.clone());
            for (int s = 3; s < GRADS.length; s++) {
                rate.value = LRS[s];
                sgd.update("p", w0, m.create(GRADS[s]));
                sgd.update("p", w1, m.create(GRADS[s]), second);
            }
            double[][] ref = reference(GRADS.length, MU);
            assertClose(ref[0], w0.toFloatArray(), "device 0 after resume");
            assertClose(ref[0], w1.toFloatArray(), "device 1 after resume");
            assertClose(ref[1], sgd.paperVelocity("p"), "saved momentum is the latest copy");
        }
    }

    @Test
    void nonFiniteLearningRateIsRefused() {
        SettableRate rate = new SettableRate();
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), TestEngines.MXNET);
                PaperSgd sgd = sgd(rate, MU)) {
            rate.value = Float.NaN;
            NDArray w = m.create(W0.clone());
            org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalStateException.class, () -> sgd.update("p", w, m.create(GRADS[0])));
            assertArrayEquals(W0, w.toFloatArray(), 0f);
        }
    }
}
