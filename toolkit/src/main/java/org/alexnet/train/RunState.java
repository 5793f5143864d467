package org.alexnet.train;

import org.alexnet.model.ModelSpec;

/**
 * Everything about a run that a checkpoint keeps besides the arrays: the network, the recipe, the
 * epochs done and their history, the learning-rate schedule's state, the part of an interrupted epoch,
 * and facts about the data (dataset name; for ImageNet its folder, pixel scale, statistics file, ...).
 * Only {@link Checkpoint} turns it into the file's properties and back.
 *
 * @param spec the network
 * @param recipe the recipe the run trains with (after a resume: the one given then)
 * @param epoch epochs finished
 * @param history one record per finished epoch
 * @param schedule the learning-rate schedule's state after {@code epoch}
 * @param partial the interrupted epoch after {@code epoch}, or null when the checkpoint is at an epoch's end
 * @param datasetName the data's {@link TrainingData#name()}
 * @param imageNet what an ImageNet run's data were ({@link ImageNetData#facts()}); null for other data
 * @param engine the engine that wrote the checkpoint
 */
public record RunState(
        ModelSpec spec,
        Recipe recipe,
        int epoch,
        History history,
        LearningRateSchedule.State schedule,
        PartialEpoch partial,
        String datasetName,
        ImageNetData.Facts imageNet,
        String engine) {

    /** The dataset name a run without one recorded trained on. */
    public static final String DEFAULT_DATASET = FashionMnistData.NAME;

    public RunState {
        if (datasetName == null) {
            datasetName = DEFAULT_DATASET;
        }
    }

    /** Whether all of the recipe's epochs are done. */
    public boolean finished() {
        return partial == null && epoch >= recipe.getEpochs();
    }

    /**
     * Where an epoch was interrupted: batches done and the running sums, so the resumed epoch reports
     * the same numbers as one that went straight through.
     */
    public record PartialEpoch(int epoch, int batches, double lossSum, long correct, long seen, double seconds) {}
}
