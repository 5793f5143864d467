package org.alexnet.notebook;

import java.util.ArrayList;
import java.util.List;
import org.alexnet.train.ProgressListener;

/**
 * Records the training error of every batch of a run, for curves finer than one point per epoch (the
 * paper's Figure 1: training error against time for ReLU and tanh). The training loop reports running
 * averages over the epoch so far; the error of each batch is recovered from two successive averages,
 * which needs the batch size and the number of training examples.
 *
 * <pre>{@code
 * StepRecorder steps = new StepRecorder(recipe.getBatchSize(), 3_000);
 * Training.builder()....addListener(steps).build().fit();
 * int step = steps.firstStepBelow(0.25, 20);   // first batch where the last 20 batches averaged < 25% error
 * }</pre>
 */
public final class StepRecorder implements ProgressListener {

    private final int batchSize;
    private final int trainingExamples;
    private final List<double[]> steps = new ArrayList<>(); // {fractional epoch, batch error, batch size}
    private double previousCorrect;
    private int previousSeen;

    /**
     * @param batchSize the recipe's batch size
     * @param trainingExamples images per training epoch (the last batch may be smaller)
     */
    public StepRecorder(int batchSize, int trainingExamples) {
        if (batchSize < 1 || trainingExamples < 1) {
            throw new IllegalArgumentException("batch size and training examples must be positive");
        }
        this.batchSize = batchSize;
        this.trainingExamples = trainingExamples;
    }

    @Override
    public synchronized void onBatch(BatchProgress p) {
        if (p.batch() == 1) {
            previousCorrect = 0;
            previousSeen = 0;
        }
        int seen = (int) Math.min((long) p.batch() * batchSize, trainingExamples);
        double correct = p.accuracy() * seen;
        int size = seen - previousSeen;
        double batchCorrect = Math.max(0, Math.min(size, Math.round(correct - previousCorrect)));
        double x = p.epoch() - 1 + (double) p.batch() / p.batches();
        steps.add(new double[] {x, 1 - batchCorrect / size, size});
        previousCorrect = correct;
        previousSeen = seen;
    }

    /** Number of batches recorded. */
    public synchronized int size() {
        return steps.size();
    }

    /** Position of each batch in epochs (1.0 = end of the first epoch). */
    public synchronized double[] epochs() {
        return steps.stream().mapToDouble(s -> s[0]).toArray();
    }

    /** Training error of each batch on its own (noisy). */
    public synchronized double[] errors() {
        return steps.stream().mapToDouble(s -> s[1]).toArray();
    }

    /**
     * Training error over the last {@code window} batches at each batch (fewer at the start), weighted
     * by batch size.
     */
    public synchronized double[] smoothedErrors(int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1, got " + window);
        }
        double[] out = new double[steps.size()];
        for (int i = 0; i < out.length; i++) {
            double wrong = 0;
            double n = 0;
            for (int j = Math.max(0, i - window + 1); j <= i; j++) {
                wrong += steps.get(j)[1] * steps.get(j)[2];
                n += steps.get(j)[2];
            }
            out[i] = wrong / n;
        }
        return out;
    }

    /**
     * The first batch (1-based, counted over the whole run) at which the error over the last
     * {@code window} batches is below {@code threshold}; -1 if it never is. Only full windows count.
     */
    public synchronized int firstStepBelow(double threshold, int window) {
        double[] smooth = smoothedErrors(window);
        for (int i = window - 1; i < smooth.length; i++) {
            if (smooth[i] < threshold) {
                return i + 1;
            }
        }
        return -1;
    }
}
