package org.alexnet.experiment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import java.util.ArrayDeque;
import java.util.Arrays;
import org.alexnet.train.StopSignal;

/**
 * Figure 1's measurement as a DJL listener: the training error of the batches as they are trained
 * (the predictions made in the forward pass before each step), over a moving window, and the point
 * (in epochs, fractional) where it first falls to each level. When the last level is reached the run
 * is stopped through its {@link StopSignal}.
 */
public final class ThresholdListener extends TrainingListenerAdapter {

    private final double[] levels;
    private final int windowImages;
    private final int batchesPerEpoch;
    private final StopSignal stop;
    private final double[] reached;
    private final ArrayDeque<long[]> window = new ArrayDeque<>();
    private long windowWrong;
    private long windowSeen;
    private long batches;

    /**
     * @param levels training-error levels in decreasing order, e.g. 0.25 and 0.10
     * @param windowImages how many of the latest training images the error is measured over
     * @param batchesPerEpoch training batches in one epoch, to express the point in epochs
     * @param stop requested once the last level is reached (null: never)
     */
    public ThresholdListener(double[] levels, int windowImages, int batchesPerEpoch, StopSignal stop) {
        this.levels = levels.clone();
        this.windowImages = windowImages;
        this.batchesPerEpoch = batchesPerEpoch;
        this.stop = stop;
        this.reached = new double[levels.length];
        Arrays.fill(reached, Double.NaN);
    }

    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
        long wrong = 0;
        long seen = 0;
        for (var device : batchData.getLabels().keySet()) {
            NDList labels = batchData.getLabels().get(device);
            NDArray predicted =
                    batchData.getPredictions().get(device).head().argMax(1).toType(DataType.FLOAT32, false);
            NDArray label = labels.head().toType(DataType.FLOAT32, false);
            seen += label.size();
            wrong += label.size()
                    - predicted.eq(label).sum().toType(DataType.INT64, false).getLong();
        }
        add(wrong, seen);
    }

    /** Adds one batch's count of wrong predictions out of {@code seen}. */
    void add(long wrong, long seen) {
        batches++;
        window.addLast(new long[] {wrong, seen});
        windowWrong += wrong;
        windowSeen += seen;
        while (windowSeen - window.peekFirst()[1] >= windowImages) {
            long[] old = window.removeFirst();
            windowWrong -= old[0];
            windowSeen -= old[1];
        }
        if (windowSeen < windowImages) {
            return; // the window is not full yet: the first batches' error says little
        }
        double error = (double) windowWrong / windowSeen;
        for (int i = 0; i < levels.length; i++) {
            if (Double.isNaN(reached[i]) && error <= levels[i]) {
                reached[i] = (double) batches / batchesPerEpoch;
            }
        }
        if (stop != null && !Double.isNaN(reached[levels.length - 1])) {
            stop.request();
        }
    }

    /** Epochs (fractional) to each level; NaN where it was not reached. */
    public double[] reached() {
        return reached.clone();
    }

    /** The current window's error. */
    public double windowError() {
        return windowSeen == 0 ? Double.NaN : (double) windowWrong / windowSeen;
    }
}
