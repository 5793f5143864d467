package org.alexnet.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.alexnet.TestEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EnsembleTest {

    /** A "network" whose class scores are fixed, one row per input row. */
    private static LambdaBlock fixed(float[] logits) {
        return new LambdaBlock(x -> {
            NDArray in = x.head();
            NDArray row = in.getManager().create(logits).reshape(1, logits.length);
            return new NDList(row.repeat(0, in.getShape().get(0)));
        });
    }

    private static double[] softmax(double... z) {
        double sum = 0;
        double[] p = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            p[i] = Math.exp(z[i]);
            sum += p[i];
        }
        for (int i = 0; i < z.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    @Test
    void averagesTheMembersSoftmaxNotTheirScores() {
        // Network A is sure of class 0, B mildly prefers class 1: the mean softmax picks 0, the mean
        // score would pick 1 (means 2, 3 and 2.95).
        float[] a = {4, 0, 0};
        float[] b = {0, 6, 5.9f};
        double[] pa = softmax(4, 0, 0);
        double[] pb = softmax(0, 6, 5.9);
        try (NDManager m = NDManager.newBaseManager(TestEngines.MXNET)) {
            Ensemble e = Ensemble.ofBlocks(List.of(fixed(a), fixed(b)));
            assertEquals(2, e.size());
            NDArray out = e.predict(new NDList(m.zeros(new Shape(2, 1)))).head();
            assertEquals(new Shape(2, 3), out.getShape());
            float[] p = out.softmax(-1).toFloatArray();
            for (int c = 0; c < 3; c++) {
                double expected = (pa[c] + pb[c]) / 2;
                assertEquals(expected, p[c], 1e-6, "class " + c);
                assertEquals(expected, p[3 + c], 1e-6, "second row, class " + c);
                assertEquals(Math.log(expected), out.getFloat(0, c), 1e-5, "the block outputs log(mean softmax)");
            }
            // Neither member alone: A's own probability of class 0 is higher, B's lower.
            assertEquals(0, argmax(p));
            Predictions pred =
                    Predictions.of(new int[] {0}, new float[][] {out.get(0).toFloatArray()}, new int[] {0});
            assertEquals((pa[0] + pb[0]) / 2, pred.confidence(0), 1e-6, "Predictions' confidence is the ensemble's");
        }
    }

    @Test
    void composesWithTheTenPatchAverage() {
        // Two patches of one image, two networks: the result is the mean over all four softmax outputs.
        LambdaBlock a = new LambdaBlock(x -> new NDList(x.head().mul(2)));
        LambdaBlock b = new LambdaBlock(x -> new NDList(x.head().neg()));
        float[][] patches = {{1, 0, 0}, {0, 3, 1}};
        try (NDManager m = NDManager.newBaseManager(TestEngines.MXNET)) {
            Ensemble e = Ensemble.ofBlocks(List.of(a, b));
            NDArray scores = e.predict(new NDList(m.create(patches))).head();
            float[] avg = Evaluation.averageSoftmax(scores.toFloatArray(), 2, 3);
            double[] expected = new double[3];
            for (float[] patch : patches) {
                double[] p1 = softmax(2 * patch[0], 2 * patch[1], 2 * patch[2]);
                double[] p2 = softmax(-patch[0], -patch[1], -patch[2]);
                for (int c = 0; c < 3; c++) {
                    expected[c] += (p1[c] + p2[c]) / 4;
                }
            }
            for (int c = 0; c < 3; c++) {
                assertEquals(expected[c], avg[c], 1e-6, "class " + c);
            }
        }
    }

    /** Real DJL Models (as loaded from checkpoints), on both engines: the average of each one's own softmax. */
    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void modelsOnEachEngine(String engine) {
        Shape input = new Shape(4, 5);
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine);
                Model first = Model.newInstance("first", engine);
                Model second = Model.newInstance("second", engine);
                Model third = Model.newInstance("third", engine)) {
            NDArray x = m.randomNormal(input);
            float[][] own = new float[3][];
            int i = 0;
            for (Model model : List.of(first, second, third)) {
                model.setBlock(Linear.builder().setUnits(7).build());
                model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, input);
                NDArray scores = model.getBlock()
                        .forward(new ParameterStore(m, false), new NDList(x), false)
                        .head();
                own[i++] = scores.softmax(-1).toFloatArray();
            }
            float[] p = Ensemble.of(List.of(first, second, third))
                    .predict(new NDList(x))
                    .head()
                    .softmax(-1)
                    .toFloatArray();
            for (int k = 0; k < p.length; k++) {
                assertEquals((own[0][k] + own[1][k] + own[2][k]) / 3.0, p[k], 1e-5, "entry " + k);
            }
        }
    }

    @Test
    void anEmptyEnsembleIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ensemble.of(List.of()));
        assertEquals("an ensemble needs at least one network", e.getMessage());
    }

    private static int argmax(float[] row) {
        int best = 0;
        for (int c = 1; c < row.length; c++) {
            if (row[c] > row[best]) {
                best = c;
            }
        }
        return best;
    }
}
