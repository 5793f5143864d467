package org.alexnet.train;

/**
 * Receives a run's progress: the console bar, the notebook's live display and tests implement it.
 * Called on the training thread; implementations should be quick.
 */
public interface ProgressListener {

    /** Progress inside an epoch, after each training batch. */
    record BatchProgress(
            int epoch,
            int epochs,
            int batch,
            int batches,
            double loss,
            double accuracy,
            double imagesPerSecond,
            double learningRate,
            double etaSeconds) {}

    /** Before the first epoch; {@code startEpoch} > 0 when resuming. */
    default void onStart(int startEpoch, int epochs, String description) {}

    default void onBatch(BatchProgress progress) {}

    /** After validation; {@code lrDropped} is true when the schedule just divided the learning rate. */
    default void onEpoch(EpochRecord record, History history, boolean lrDropped) {}

    /** A line of information (resume notices, checkpoint paths). */
    default void onMessage(String message) {}

    default void onEnd(History history) {}
}
