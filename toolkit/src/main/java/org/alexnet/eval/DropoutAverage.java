package org.alexnet.eval;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;

/**
 * Dropout as a model average (section 4.2 of the paper): every training step samples one of 2^n
 * "thinned" networks that share weights; at test time the paper uses all units with their outputs
 * halved, "a reasonable approximation to taking the geometric mean of the predictive distributions
 * produced by the exponentially-many dropout networks". This measures how close it is: the test
 * network's softmax against the arithmetic and the normalised geometric mean of the softmax of many
 * sampled thinned networks.
 *
 * <p>DJL scales the kept units by 1 / (1 - rate) in training instead of halving at test time; both give
 * the same expected input to the next layer, so the test network is the block in inference mode. With
 * one dropout layer right before a linear softmax layer the geometric mean over all masks equals the
 * test network exactly (the mean of the scores over all masks is the test network's score); deeper
 * dropout layers make it an approximation.
 *
 * <pre>{@code
 * DropoutAverage avg = DropoutAverage.sample(head, new NDList(features), 1000);
 * avg.maxDifference(avg.getGeometricMean(), avg.getTestNetwork());   // small
 * }</pre>
 */
public final class DropoutAverage {

    private final float[][] testNetwork;
    private final float[][] arithmeticMean;
    private final float[][] geometricMean;
    private final int samples;

    private DropoutAverage(float[][] testNetwork, float[][] arithmeticMean, float[][] geometricMean, int samples) {
        this.testNetwork = testNetwork;
        this.arithmeticMean = arithmeticMean;
        this.geometricMean = geometricMean;
        this.samples = samples;
    }

    /**
     * Runs {@code block} (initialised; it contains dropout and outputs class scores, one row per input
     * row) once in inference mode and {@code samples} times in training mode, each a fresh dropout mask.
     * Training mode changes nothing else in AlexNet's layers (it has no batch normalisation).
     */
    public static DropoutAverage sample(Block block, NDList inputs, int samples) {
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be at least 1, got " + samples);
        }
        NDManager manager = inputs.head().getManager();
        ParameterStore store = new ParameterStore(manager, false);
        float[][] test;
        // Each pass's arrays go to a sub-manager closed after it: results follow their inputs' manager,
        // so the inputs are attached to it for the duration (hundreds of passes would otherwise pile up).
        try (NDManager scope = manager.newSubManager()) {
            inputs.tempAttach(scope);
            test = softmaxRows(
                    block.forward(store, inputs, false)
                            .head()
                            .toType(DataType.FLOAT32, false)
                            .toFloatArray(),
                    rows(inputs));
        }
        int n = test.length;
        int classes = test[0].length;
        double[][] sum = new double[n][classes];
        double[][] logSum = new double[n][classes];
        for (int s = 0; s < samples; s++) {
            // MXNet samples dropout masks only while a gradient collector is open (its training mode).
            try (NDManager scope = manager.newSubManager();
                    GradientCollector training = manager.getEngine().newGradientCollector()) {
                inputs.tempAttach(scope);
                float[] scores = block.forward(store, inputs, true)
                        .head()
                        .toType(DataType.FLOAT32, false)
                        .toFloatArray();
                float[][] p = softmaxRows(scores, n);
                for (int i = 0; i < n; i++) {
                    for (int c = 0; c < classes; c++) {
                        sum[i][c] += p[i][c];
                        logSum[i][c] += logSoftmax(scores, i, classes, c);
                    }
                }
            }
        }
        float[][] arithmetic = new float[n][classes];
        float[][] geometric = new float[n][classes];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < classes; c++) {
                arithmetic[i][c] = (float) (sum[i][c] / samples);
            }
            // Normalised geometric mean = softmax of the mean log-probability.
            double[] meanLog = new double[classes];
            for (int c = 0; c < classes; c++) {
                meanLog[c] = logSum[i][c] / samples;
            }
            geometric[i] = softmax(meanLog);
        }
        return new DropoutAverage(test, arithmetic, geometric, samples);
    }

    private static int rows(NDList inputs) {
        return Math.toIntExact(inputs.head().getShape().get(0));
    }

    private static double logSoftmax(float[] scores, int row, int classes, int c) {
        int off = row * classes;
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < classes; k++) {
            max = Math.max(max, scores[off + k]);
        }
        double sum = 0;
        for (int k = 0; k < classes; k++) {
            sum += Math.exp(scores[off + k] - max);
        }
        return scores[off + c] - max - Math.log(sum);
    }

    private static float[][] softmaxRows(float[] scores, int rows) {
        int classes = scores.length / rows;
        float[][] out = new float[rows][];
        for (int i = 0; i < rows; i++) {
            double[] z = new double[classes];
            for (int c = 0; c < classes; c++) {
                z[c] = scores[i * classes + c];
            }
            out[i] = softmax(z);
        }
        return out;
    }

    private static float[] softmax(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] e = new double[z.length];
        for (int c = 0; c < z.length; c++) {
            e[c] = Math.exp(z[c] - max);
            sum += e[c];
        }
        float[] p = new float[z.length];
        for (int c = 0; c < z.length; c++) {
            p[c] = (float) (e[c] / sum);
        }
        return p;
    }

    /** The largest absolute difference between two sets of probabilities. */
    public static double maxDifference(float[][] a, float[][] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            for (int c = 0; c < a[i].length; c++) {
                max = Math.max(max, Math.abs(a[i][c] - b[i][c]));
            }
        }
        return max;
    }

    /** The fraction of rows whose most probable class is the same in {@code a} and {@code b}. */
    public static double agreement(float[][] a, float[][] b) {
        int same = 0;
        for (int i = 0; i < a.length; i++) {
            if (argmax(a[i]) == argmax(b[i])) {
                same++;
            }
        }
        return (double) same / a.length;
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

    /** The test network's softmax (all units, inference mode), one row per input row. */
    public float[][] getTestNetwork() {
        return testNetwork;
    }

    /** The mean of the sampled thinned networks' softmax outputs. */
    public float[][] getArithmeticMean() {
        return arithmeticMean;
    }

    /** The sampled networks' softmax outputs' geometric mean, renormalised to sum to 1. */
    public float[][] getGeometricMean() {
        return geometricMean;
    }

    public int getSamples() {
        return samples;
    }

    @Override
    public String toString() {
        return String.format(
                "DropoutAverage(%d inputs, %d sampled networks): test network vs geometric mean %.4f,"
                        + " vs arithmetic mean %.4f (largest probability difference)",
                testNetwork.length,
                samples,
                maxDifference(testNetwork, geometricMean),
                maxDifference(testNetwork, arithmeticMean));
    }
}
