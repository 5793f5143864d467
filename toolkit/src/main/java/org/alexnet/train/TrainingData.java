package org.alexnet.train;

import ai.djl.training.dataset.Dataset;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;
import org.alexnet.data.EpochShuffleSampler;
import org.alexnet.model.ModelSpec;

/**
 * Where a {@link Training} gets its data: the training split for the recipe (shuffled per epoch by the
 * sampler Training owns) and the validation split. Checkpoints keep the data's name, and for
 * {@link ImageNetData} its {@link ImageNetData.Facts}, so a resumed run finds the same data. {@link FashionMnistData} and {@link ImageNetData} are the two.
 */
public interface TrainingData {

    /** A short name stored in checkpoints: fashion-mnist, imagenet, ... */
    String name();

    /** Refuses a network that does not fit the data (classes, channels), with a one-line reason. */
    default void check(ModelSpec spec) {}

    /**
     * The training split at the recipe's resolution and subset, ready to iterate; {@link Training} sets
     * {@code sampler}'s epoch before each epoch. Closed by Training when it is {@link AutoCloseable}.
     */
    Dataset trainingSet(Recipe recipe, EpochShuffleSampler sampler) throws IOException, TranslateException;

    /** The validation split, in file order, ready to iterate. */
    Dataset validationSet(Recipe recipe) throws IOException, TranslateException;

    /**
     * Where the data's own messages go (statistics progress, cache use) when they were not sent
     * elsewhere; {@link Training} passes its listeners' {@code onMessage} for the run and null when
     * it ends.
     */
    default void reportTo(Consumer<String> messages) {}

    /** Lines worth telling once the training split has been used (e.g. images skipped as unreadable). */
    default List<String> notes(Dataset trainingSet) {
        return List.of();
    }

    /**
     * Datasets made elsewhere (e.g. the benchmark's synthetic images): the same sets every epoch,
     * shuffled by {@code sampler} when it is the training set's sampler.
     */
    static TrainingData of(String name, Dataset trainingSet, EpochShuffleSampler sampler, Dataset validationSet) {
        return new TrainingData() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Dataset trainingSet(Recipe recipe, EpochShuffleSampler ignored) {
                return trainingSet;
            }

            @Override
            public EpochShuffleSampler sampler(Recipe recipe) {
                return sampler;
            }

            @Override
            public Dataset validationSet(Recipe recipe) {
                return validationSet;
            }
        };
    }

    /**
     * The sampler Training hands to {@link #trainingSet}: by default a new seeded shuffle at the recipe's
     * batch size (null: the set is not shuffled by epoch, and cannot be resumed inside an epoch).
     */
    default EpochShuffleSampler sampler(Recipe recipe) {
        return new EpochShuffleSampler(recipe.getBatchSize(), recipe.getSeed());
    }
}
