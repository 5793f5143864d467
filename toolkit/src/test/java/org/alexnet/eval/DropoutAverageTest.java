package org.alexnet.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Random;
import org.alexnet.TestEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DropoutAverageTest {

    static final int HIDDEN = 6;
    static final int CLASSES = 3;

    /**
     * Dropout on HIDDEN units then a fixed linear layer, whose training-mode passes walk through all
     * 2^HIDDEN masks in order instead of drawing them: 64 passes are the exact average over every
     * thinned network.
     */
    static final class AllMasks extends AbstractBlock {
        final float[][] w;
        int next;

        AllMasks(float[][] w) {
            this.w = w;
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
            NDArray x = inputs.head();
            if (training) {
                float[] mask = new float[HIDDEN];
                for (int j = 0; j < HIDDEN; j++) {
                    mask[j] = ((next >> j) & 1) * 2f; // kept units scaled by 1 / (1 - 0.5), as DJL does
                }
                next++;
                x = x.mul(x.getManager().create(mask));
            }
            NDArray weights = x.getManager().create(w).transpose();
            return new NDList(x.matMul(weights));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {new Shape(inputShapes[0].get(0), CLASSES)};
        }
    }

    private static double[] softmax(double[] z) {
        double sum = 0;
        double[] p = new double[z.length];
        for (int c = 0; c < z.length; c++) {
            p[c] = Math.exp(z[c]);
            sum += p[c];
        }
        for (int c = 0; c < z.length; c++) {
            p[c] /= sum;
        }
        return p;
    }

    @Test
    void overAllMasksTheGeometricMeanIsTheTestNetwork() {
        Random r = new Random(3);
        float[][] w = new float[CLASSES][HIDDEN];
        for (float[] row : w) {
            for (int j = 0; j < HIDDEN; j++) {
                row[j] = (float) r.nextGaussian();
            }
        }
        float[][] h = {{1, 0.5f, -1, 2, 0, 0.3f}, {-0.2f, 1.5f, 0.7f, -1, 1, 0.1f}};
        try (NDManager m = NDManager.newBaseManager(TestEngines.MXNET)) {
            AllMasks block = new AllMasks(w);
            int masks = 1 << HIDDEN;
            DropoutAverage avg = DropoutAverage.sample(block, new NDList(m.create(h)), masks);
            assertEquals(masks, avg.getSamples());
            for (int i = 0; i < h.length; i++) {
                // By hand: the test network is softmax(W h); the arithmetic mean over every mask.
                double[] z = new double[CLASSES];
                double[] arithmetic = new double[CLASSES];
                for (int c = 0; c < CLASSES; c++) {
                    for (int j = 0; j < HIDDEN; j++) {
                        z[c] += w[c][j] * h[i][j];
                    }
                }
                for (int mask = 0; mask < masks; mask++) {
                    double[] zm = new double[CLASSES];
                    for (int c = 0; c < CLASSES; c++) {
                        for (int j = 0; j < HIDDEN; j++) {
                            zm[c] += w[c][j] * h[i][j] * ((mask >> j) & 1) * 2;
                        }
                    }
                    double[] p = softmax(zm);
                    for (int c = 0; c < CLASSES; c++) {
                        arithmetic[c] += p[c] / masks;
                    }
                }
                double[] test = softmax(z);
                for (int c = 0; c < CLASSES; c++) {
                    assertEquals(test[c], avg.getTestNetwork()[i][c], 1e-5, "test network");
                    assertEquals(test[c], avg.getGeometricMean()[i][c], 1e-5, "geometric mean = test network");
                    assertEquals(arithmetic[c], avg.getArithmeticMean()[i][c], 1e-5, "arithmetic mean");
                }
            }
            // The arithmetic mean is a different (flatter) average: not equal to the test network here.
            assertTrue(DropoutAverage.maxDifference(avg.getArithmeticMean(), avg.getTestNetwork()) > 0.01);
        }
    }

    /** DJL's own Dropout: sampled masks converge towards the test network, on both engines. */
    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void sampledDropoutNetworksApproachTheTestNetwork(String engine) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
            SequentialBlock head = new SequentialBlock()
                    .add(Dropout.builder().optRate(0.5f).build())
                    .add(Linear.builder().setUnits(5).build());
            Shape input = new Shape(4, 32);
            head.initialize(m, DataType.FLOAT32, input);
            NDArray x = m.randomNormal(input);
            DropoutAverage one = DropoutAverage.sample(head, new NDList(x), 1);
            DropoutAverage many = DropoutAverage.sample(head, new NDList(x), 2000);
            double far = DropoutAverage.maxDifference(one.getGeometricMean(), one.getTestNetwork());
            double near = DropoutAverage.maxDifference(many.getGeometricMean(), many.getTestNetwork());
            assertTrue(far > 0.001, "one thinned network differs from the test network: " + far);
            assertTrue(near < 0.03, "2000 of them average close to it: " + near);
        }
    }

    /** Hundreds of passes leave nothing behind in the inputs' manager (a notebook ran out of memory). */
    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void passesFreeTheirArrays(String engine) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
            SequentialBlock head = new SequentialBlock()
                    .add(Linear.builder().setUnits(16).build())
                    .add(Dropout.builder().optRate(0.5f).build())
                    .add(Linear.builder().setUnits(5).build());
            Shape input = new Shape(3, 8);
            head.initialize(m, DataType.FLOAT32, input);
            NDArray x = m.randomNormal(input);
            int before = m.getManagedArrays().size();
            DropoutAverage.sample(head, new NDList(x), 50);
            assertEquals(before, m.getManagedArrays().size(), "arrays left in the inputs' manager");
            assertEquals(m, x.getManager(), "the inputs are given back to their manager");
        }
    }

    @Test
    void refusesZeroSamples() {
        try (NDManager m = NDManager.newBaseManager(TestEngines.MXNET)) {
            assertThrows(
                    IllegalArgumentException.class,
                    () -> DropoutAverage.sample(
                            new AllMasks(new float[CLASSES][HIDDEN]), new NDList(m.ones(new Shape(1, HIDDEN))), 0));
        }
    }
}
