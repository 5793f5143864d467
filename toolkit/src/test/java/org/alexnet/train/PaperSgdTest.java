package org.alexnet.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PaperSgdTest {

    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void updateIsThePapersMomentumRuleWithWeightDecay(String engine) {
        float lr = 0.1f;
        float mu = 0.9f;
        float wd = 0.05f;
        float[] w = {1f, -2f, 0.5f};
        float[][] grads = {{0.3f, -0.1f, 2f}, {-1f, 0.4f, 0.25f}, {0.5f, 0.5f, -0.5f}};
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
            PaperSgd sgd = PaperSgd.builder()
                    .setLearningRateTracker(ai.djl.training.tracker.Tracker.fixed(lr))
                    .optMomentum(mu)
                    .optWeightDecays(wd)
                    .build();
            NDArray weight = m.create(w.clone());
            double[] v = new double[3];
            double[] ref = {w[0], w[1], w[2]};
            for (float[] g : grads) {
                sgd.update("p", weight, m.create(g));
                for (int i = 0; i < 3; i++) {
                    // v <- 0.9 v - 0.0005 eps w - eps grad; w <- w + v (paper, section 5)
                    v[i] = mu * v[i] - wd * lr * ref[i] - lr * g[i];
                    ref[i] += v[i];
                }
            }
            float[] got = weight.toFloatArray();
            for (int i = 0; i < 3; i++) {
                assertEquals(ref[i], got[i], 1e-6, "weight " + i);
            }
            assertEquals(1, sgd.stateSize());
        }
    }

    @Test
    void momentumStateSurvivesSaveAndLoad() throws Exception {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "MXNet")) {
            PaperSgd a = PaperSgd.builder().optMomentum(0.9f).build();
            NDArray w = m.create(new float[] {1f, 2f});
            a.update("id-a", w, m.create(new float[] {0.5f, -0.5f}));
            var bytes = new java.io.ByteArrayOutputStream();
            a.saveState(new java.io.DataOutputStream(bytes), id -> "layer_weight");
            PaperSgd b = PaperSgd.builder().optMomentum(0.9f).build();
            b.loadState(new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())), m,
                    name -> "id-b");
            NDArray w1 = w.duplicate();
            NDArray w2 = w.duplicate();
            NDArray g = m.create(new float[] {0.1f, 0.2f});
            a.update("id-a", w1, g);
            b.update("id-b", w2, g);
            assertArrayEquals(w1.toFloatArray(), w2.toFloatArray(), 0f);
            // close() frees the buffers (DJL detaches optimiser state, nothing else would).
            NDArray buffer = b.velocityOf("id-b");
            b.close();
            assertEquals(0, b.stateSize());
            assertTrue(buffer.isReleased());
        }
    }
}
