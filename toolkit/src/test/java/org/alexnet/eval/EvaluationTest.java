package org.alexnet.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.alexnet.TestEngines;
import org.alexnet.data.transform.TenCrop;
import org.junit.jupiter.api.Test;

/** The paper's test-time rules: softmax averaged over the ten patches, top-5 as rank below five. */
class EvaluationTest {

    private static double[] softmax(float[] row) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : row) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] p = new double[row.length];
        for (int c = 0; c < row.length; c++) {
            p[c] = Math.exp(row[c] - max);
            sum += p[c];
        }
        for (int c = 0; c < row.length; c++) {
            p[c] /= sum;
        }
        return p;
    }

    /**
     * Ten patches of two images, chosen so that the three ways to combine them disagree: image 0's
     * softmax average picks class 0 while its mean logit picks class 1; image 1's softmax average
     * picks class 1 while the majority vote picks class 0. Only softmax averaging gets both right.
     */
    private static float[] tenPatchScores() {
        int k = TenCrop.COUNT;
        float[] s = new float[2 * k * 3];
        for (int r = 0; r < k; r++) {
            float[] row0 = r < 9 ? new float[] {1, 0, 0} : new float[] {0, 20, 0};
            float[] row1 = r < 6 ? new float[] {0.1f, 0, 0} : new float[] {0, 5, 0};
            System.arraycopy(row0, 0, s, r * 3, 3);
            System.arraycopy(row1, 0, s, (k + r) * 3, 3);
        }
        return s;
    }

    @Test
    void tenPatchesAverageTheirSoftmaxOutputs() {
        int k = TenCrop.COUNT;
        assertEquals(10, k, "the paper's four corners, centre and their reflections");
        float[] scores = tenPatchScores();
        float[] avg = Evaluation.averageSoftmax(scores, k, 3);
        assertEquals(2 * 3, avg.length);
        for (int image = 0; image < 2; image++) {
            double[] expected = new double[3];
            for (int r = 0; r < k; r++) {
                int off = (image * k + r) * 3;
                double[] p = softmax(new float[] {scores[off], scores[off + 1], scores[off + 2]});
                for (int c = 0; c < 3; c++) {
                    expected[c] += p[c] / k;
                }
            }
            for (int c = 0; c < 3; c++) {
                assertEquals(expected[c], avg[image * 3 + c], 1e-6, "image " + image + " class " + c);
            }
        }
        // By hand for image 0: 0.9 * e / (e + 2) + 0.1 * (about 0) for class 0.
        assertEquals(0.9 * Math.E / (Math.E + 2), avg[0], 1e-6);
    }

    @Test
    void tenPatchEvaluationRanksTheAveragedSoftmax() {
        try (NDManager m = NDManager.newBaseManager(TestEngines.MXNET)) {
            Evaluation e = new Evaluation(3);
            e.add(m.create(tenPatchScores(), new Shape(2 * TenCrop.COUNT, 3)), m.create(new float[] {0, 1}));
            assertEquals(2, e.getCount(), "ten rows per label count as one image");
            assertEquals(1.0, e.getTop1(), 0, "mean logits would miss image 0, a vote image 1");
            long[][] confusion = e.getConfusion();
            assertEquals(1, confusion[0][0]);
            assertEquals(1, confusion[1][1]);
            // Rows that are not a whole number of patches per label are refused.
            assertThrows(
                    IllegalArgumentException.class,
                    () -> e.add(m.create(new float[7 * 3], new Shape(7, 3)), m.create(new float[] {0, 1})));
        }
    }

    @Test
    void topFiveCountsTheTrueClassWhenFourOrFewerClassesScoreHigher() {
        int classes = 8;
        Evaluation e = new Evaluation(classes);
        // The true class 0 ranked 1st, 5th, 6th and 8th.
        float[][] rows = {
            {9, 1, 2, 3, 4, 5, 6, 7},
            {5, 1, 2, 3, 6, 7, 8, 9},
            {4, 1, 2, 5, 6, 7, 8, 9},
            {0, 1, 2, 3, 4, 5, 6, 7},
        };
        float[] flat = new float[rows.length * classes];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * classes, classes);
        }
        e.add(flat, new float[] {0, 0, 0, 0});
        assertEquals(0.25, e.getTop1(), 0);
        assertEquals(0.5, e.getTop5(), 0, "ranks 1 and 5 are in the top five, 6 and 8 are not");

        // A tie with a class listed earlier pushes the label down (argmax's first-index rule): label 5
        // with five classes before it at the same score is 6th.
        Evaluation tie = new Evaluation(classes);
        tie.add(new float[] {1, 1, 1, 1, 1, 1, 0, 0}, new float[] {5});
        assertEquals(0.0, tie.getTop5(), 0);
        Evaluation tieFirst = new Evaluation(classes);
        tieFirst.add(new float[] {1, 1, 1, 1, 1, 1, 0, 0}, new float[] {4});
        assertEquals(1.0, tieFirst.getTop5(), 0);
        assertEquals(0.0, tieFirst.getTop1(), 0);
        assertArrayEquals(
                new long[] {1, 0, 0, 0, 0, 0, 0, 0}, tieFirst.getConfusion()[4], "predicted: the first maximum");
        assertTrue(Double.isNaN(new Evaluation(5).getTop5()), "top-5 of five classes means nothing");
    }
}
