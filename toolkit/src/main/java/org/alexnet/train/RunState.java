package org.alexnet.train;

import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
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
 * @param augmented whether a Fashion-MNIST run trained on random crops and mirror images
 *     ({@link FashionMnistData#withAugmentation})
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
        boolean augmented,
        String engine) {

    /** The dataset name a run without one recorded trained on. */
    public static final String DEFAULT_DATASET = FashionMnistData.NAME;

    public RunState {
        if (datasetName == null) {
            datasetName = DEFAULT_DATASET;
        }
    }

    /**
     * The recipe settings a resumed run may change: the learning rate from now on (e.g. after a
     * divergence), more epochs, and the schedule and its patience. Everything else is what the saved
     * optimiser state, sampler positions and arrays were made with, so changing it breaks the exact resume.
     */
    public static final Set<String> RESUMABLE = Set.of("learningRate", "epochs", "schedule", "patience");

    /**
     * A setting that differs from the run's and may not change on a resume.
     *
     * @param setting the {@link ModelSpec} or {@link Recipe} property name, e.g. batchSize
     * @param saved the run's value
     * @param asked the value asked for
     */
    public record Change(String setting, String saved, String asked) {}

    /** The first setting of {@code spec} or {@code recipe} that differs from the run's and may not change, else null. */
    public Change frozenChange(ModelSpec spec, Recipe recipe) {
        Change c = firstDifference(this.spec.toProperties(), spec.toProperties(), Set.of());
        return c != null ? c : firstDifference(this.recipe.toProperties(), recipe.toProperties(), RESUMABLE);
    }

    /**
     * Refuses to continue this run with {@code spec} and {@code recipe} when a setting other than
     * {@link #RESUMABLE} changed, with a one-line message naming it.
     *
     * @throws IllegalArgumentException naming the setting, the run's value and the one asked for
     */
    public void checkResumableWith(ModelSpec spec, Recipe recipe) {
        Change c = frozenChange(spec, recipe);
        if (c != null) {
            throw new IllegalArgumentException("cannot resume with " + c.setting() + " " + c.asked() + ": the run has "
                    + c.saved() + " and only "
                    + String.join(", ", RESUMABLE.stream().sorted().toList())
                    + " may change; start a new run to change it");
        }
    }

    private static Change firstDifference(Properties saved, Properties asked, Set<String> mayChange) {
        Set<String> keys = new TreeSet<>(saved.stringPropertyNames());
        keys.addAll(asked.stringPropertyNames());
        for (String key : keys) {
            String before = saved.getProperty(key);
            String now = asked.getProperty(key);
            if (!mayChange.contains(key) && !Objects.equals(before, now)) {
                return new Change(key, before, now);
            }
        }
        return null;
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
