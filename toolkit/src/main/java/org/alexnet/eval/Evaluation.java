package org.alexnet.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Top-1 and top-5 accuracy and a confusion matrix over a dataset. The scores are brought to the host
 * and ranked in Java, which keeps the result identical on every engine.
 */
public final class Evaluation {

    private final int classes;
    private final long[][] confusion;
    private long count;
    private long top1;
    private long top5;

    /** An empty tally for {@code classes} classes. */
    public Evaluation(int classes) {
        this.classes = classes;
        this.confusion = new long[classes][classes];
    }

    /**
     * Runs {@code forward} (inference mode; e.g. {@code trainer::evaluate}) over every batch of
     * {@code data} and tallies the predictions.
     */
    public static Evaluation run(Function<NDList, NDList> forward, Dataset data, NDManager manager, int classes)
            throws IOException, TranslateException {
        return run(forward, data, manager, classes, (batch, scores) -> {});
    }

    /**
     * As {@link #run(Function, Dataset, NDManager, int)}, handing each batch and its scores to
     * {@code onBatch} before the batch is closed (e.g. for DJL's {@code onValidationBatch}).
     */
    public static Evaluation run(
            Function<NDList, NDList> forward,
            Dataset data,
            NDManager manager,
            int classes,
            BiConsumer<Batch, NDList> onBatch)
            throws IOException, TranslateException {
        Evaluation e = new Evaluation(classes);
        for (Batch batch : data.getData(manager)) {
            try (batch) {
                NDList scores = forward.apply(batch.getData());
                e.add(scores.head(), batch.getLabels().head());
                onBatch.accept(batch, scores);
            }
        }
        return e;
    }

    /**
     * Adds one batch: scores of shape (batch, classes), labels of shape (batch). When there are k
     * score rows per label (k consecutive crops of each image, e.g. the paper's 10-crop test), the
     * softmax outputs of each image's k rows are averaged first.
     */
    public void add(NDArray scores, NDArray labels) {
        long[] shape = scores.getShape().getShape();
        long n = labels.getShape().size();
        if (shape.length != 2 || shape[1] != classes || n == 0 || shape[0] % n != 0) {
            throw new IllegalArgumentException(
                    "expected scores of shape (k * " + n + ", " + classes + "), got " + scores.getShape());
        }
        float[] s = scores.toType(DataType.FLOAT32, false).toFloatArray();
        float[] y = labels.toType(DataType.FLOAT32, false).toFloatArray();
        int k = (int) (shape[0] / n);
        add(k == 1 ? s : averageSoftmax(s, k, classes), y);
    }

    /** The mean over each group of k consecutive rows of softmax(row). */
    static float[] averageSoftmax(float[] scores, int k, int classes) {
        int images = scores.length / (k * classes);
        float[] out = new float[images * classes];
        double[] p = new double[classes];
        for (int i = 0; i < images; i++) {
            for (int r = 0; r < k; r++) {
                int off = (i * k + r) * classes;
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) {
                    max = Math.max(max, scores[off + c]);
                }
                double sum = 0;
                for (int c = 0; c < classes; c++) {
                    p[c] = Math.exp(scores[off + c] - max);
                    sum += p[c];
                }
                for (int c = 0; c < classes; c++) {
                    out[i * classes + c] += (float) (p[c] / sum / k);
                }
            }
        }
        return out;
    }

    /** Adds one batch given as row-major scores (batch x classes) and labels. */
    public void add(float[] scores, float[] labels) {
        int n = labels.length;
        for (int i = 0; i < n; i++) {
            int label = (int) labels[i];
            int offset = i * classes;
            float target = scores[offset + label];
            // Rank of the true class = how many classes score strictly higher (ties favour the label
            // only when it comes first, matching argmax's first-index rule).
            int higher = 0;
            int best = 0;
            for (int c = 0; c < classes; c++) {
                float v = scores[offset + c];
                if (v > target || (v == target && c < label)) {
                    higher++;
                }
                if (v > scores[offset + best]) {
                    best = c;
                }
            }
            if (higher == 0) {
                top1++;
            }
            if (higher < 5) {
                top5++;
            }
            confusion[label][best]++;
            count++;
        }
    }

    public long getCount() {
        return count;
    }

    public double getTop1() {
        return count == 0 ? Double.NaN : (double) top1 / count;
    }

    /** Top-5 accuracy; NaN with five classes or fewer, where it would always be 1. */
    public double getTop5() {
        return count == 0 || classes <= 5 ? Double.NaN : (double) top5 / count;
    }

    /** confusion[true][predicted] counts. */
    public long[][] getConfusion() {
        long[][] copy = new long[classes][];
        for (int i = 0; i < classes; i++) {
            copy[i] = confusion[i].clone();
        }
        return copy;
    }

    public int getClasses() {
        return classes;
    }
}
