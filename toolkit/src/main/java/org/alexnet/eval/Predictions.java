package org.alexnet.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.alexnet.data.FashionMnist;

/**
 * A model's answer for each of some examples: the predicted class, its softmax probability and the
 * true class; to find and show the mistakes.
 *
 * <pre>{@code
 * Predictions p = Predictions.run(x -> block.forward(parameters, x, false), test, 128, manager);
 * int[] worst = p.mistakes();   // most confident mistakes first
 * }</pre>
 */
public final class Predictions {

    private final int[] indices;
    private final int[] labels;
    private final int[] predicted;
    private final float[] confidence;

    private Predictions(int[] indices, int[] labels, int[] predicted, float[] confidence) {
        this.indices = indices;
        this.labels = labels;
        this.predicted = predicted;
        this.confidence = confidence;
    }

    /**
     * From raw scores (logits), one row per example.
     *
     * @param indices the examples' indices in their dataset
     * @param scores one row of class scores per example
     * @param labels the true classes
     */
    public static Predictions of(int[] indices, float[][] scores, int[] labels) {
        int n = indices.length;
        if (scores.length != n || labels.length != n) {
            throw new IllegalArgumentException(
                    n + " indices, " + scores.length + " score rows and " + labels.length + " labels");
        }
        int[] predicted = new int[n];
        float[] confidence = new float[n];
        for (int i = 0; i < n; i++) {
            float[] s = scores[i];
            int best = 0;
            for (int c = 1; c < s.length; c++) {
                if (s[c] > s[best]) {
                    best = c;
                }
            }
            // Softmax probability of the winner, shifted by the maximum for numerical safety.
            double sum = 0;
            for (float v : s) {
                sum += Math.exp(v - s[best]);
            }
            predicted[i] = best;
            confidence[i] = (float) (1 / sum);
        }
        return new Predictions(indices.clone(), labels.clone(), predicted, confidence);
    }

    /**
     * Runs {@code forward} (inference mode, returning class scores) over every example of {@code data}
     * in order, {@code batchSize} at a time.
     */
    public static Predictions run(
            Function<NDList, NDList> forward, FashionMnist data, int batchSize, NDManager manager) {
        int n = Math.toIntExact(data.size());
        int[] indices = IntStream.range(0, n).toArray();
        float[][] scores = new float[n][];
        int[] labels = new int[n];
        for (int from = 0; from < n; from += batchSize) {
            int m = Math.min(batchSize, n - from);
            long[] batch = new long[m];
            for (int i = 0; i < m; i++) {
                batch[i] = from + i;
                labels[from + i] = data.getLabel(from + i);
            }
            try (NDManager scope = manager.newSubManager()) {
                NDArray out =
                        forward.apply(new NDList(data.getImages(scope, batch))).head();
                float[] values = out.toType(DataType.FLOAT32, false).toFloatArray();
                int classes = values.length / m;
                for (int i = 0; i < m; i++) {
                    scores[from + i] = Arrays.copyOfRange(values, i * classes, (i + 1) * classes);
                }
            }
        }
        return of(indices, scores, labels);
    }

    public int size() {
        return indices.length;
    }

    /** The dataset index of example {@code i}. */
    public int index(int i) {
        return indices[i];
    }

    public int label(int i) {
        return labels[i];
    }

    public int predicted(int i) {
        return predicted[i];
    }

    /** The softmax probability the model gave its prediction for example {@code i}. */
    public float confidence(int i) {
        return confidence[i];
    }

    public boolean correct(int i) {
        return labels[i] == predicted[i];
    }

    /** Fraction of examples predicted correctly. */
    public double accuracy() {
        long right = IntStream.range(0, size()).filter(this::correct).count();
        return size() == 0 ? Double.NaN : (double) right / size();
    }

    /** Counts {@code [true][predicted]} over {@code classes} classes, as {@link Evaluation#getConfusion()}. */
    public long[][] confusion(int classes) {
        long[][] c = new long[classes][classes];
        for (int i = 0; i < size(); i++) {
            c[labels[i]][predicted[i]]++;
        }
        return c;
    }

    /** Positions (0..size-1) of the wrong predictions, most confident first. */
    public int[] mistakes() {
        List<Integer> wrong = new ArrayList<>();
        for (int i = 0; i < size(); i++) {
            if (!correct(i)) {
                wrong.add(i);
            }
        }
        wrong.sort(Comparator.comparingDouble((Integer i) -> -confidence[i]).thenComparingInt(i -> i));
        return wrong.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Positions of the wrong predictions whose true class is {@code label} and predicted class {@code as}. */
    public int[] mistakes(int label, int as) {
        return IntStream.of(mistakes())
                .filter(i -> labels[i] == label && predicted[i] == as)
                .toArray();
    }
}
