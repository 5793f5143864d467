package org.alexnet.train;

/**
 * Receives a run's progress: the console bar, the notebook's live display, the checkpoints and tests
 * implement it. Called on the training thread; implementations should be quick.
 *
 * <p>Why beside DJL's {@link ai.djl.training.listener.TrainingListener} (which {@link Training} also
 * drives, see {@link Training.Builder#addTrainingListener}): DJL's events carry a {@code Trainer} and raw
 * {@code BatchData}, and its epoch event comes before anything knows the epoch's results. These events
 * carry what the run decided: the finished {@link EpochRecord} with top-1/top-5 validation accuracy, the
 * whole {@link History} including epochs before a resume, whether the learning rate was just divided,
 * the resumed start epoch, and running loss, accuracy, speed and ETA inside an epoch (kept across a
 * mid-epoch resume). The checkpoint of an epoch is written before the other listeners hear of it.
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

    /**
     * Before the data are opened (ImageNet's statistics may take minutes) and the first epoch;
     * {@code startEpoch} > 0 when resuming. Not sent when the run is refused before (a checkpoint that
     * does not fit, a resume that changes a fixed setting).
     */
    default void onStart(int startEpoch, int epochs, String description) {}

    default void onBatch(BatchProgress progress) {}

    /** After validation; {@code lrDropped} is true when the schedule just divided the learning rate. */
    default void onEpoch(EpochRecord record, History history, boolean lrDropped) {}

    /** A line of information (resume notices, checkpoint paths). */
    default void onMessage(String message) {}

    /**
     * After the last epoch, and also when a run that had started fails or is stopped (after the
     * stop's checkpoint), with the epochs finished so far; the exception then follows.
     */
    default void onEnd(History history) {}
}
