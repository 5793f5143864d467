package org.alexnet.train;

import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.Sampler;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.nio.file.Path;
import org.alexnet.data.EpochShuffleSampler;
import org.alexnet.data.FashionMnist;
import org.alexnet.model.ModelSpec;

/**
 * Fashion-MNIST for a {@link Training}: the training and test splits at the recipe's resolution and
 * class-balanced subset sizes.
 *
 * <pre>{@code
 * ModelSpec spec = ModelSpec.of(ModelSpec.Variant.ALEXNET_FASHION, 10, 1);
 * try (Model model = Training.newModel(spec, "MXNet", null)) {
 *     History h = Training.builder().setModel(model, spec).setData(new FashionMnistData())
 *             .setRecipe(Preset.WORKSHOP.recipe()).addListener(new ConsoleProgress()).build().fit();
 * }
 * }</pre>
 */
public final class FashionMnistData implements TrainingData {

    /** The name stored in checkpoints. */
    public static final String NAME = "fashion-mnist";

    private final Path directory;

    /** The files found by the search described in {@link FashionMnist}. */
    public FashionMnistData() {
        this(null);
    }

    /** The four official .gz files in {@code directory} (null: the default search). */
    public FashionMnistData(Path directory) {
        this.directory = directory;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void check(ModelSpec spec) {
        if (spec.getClasses() != FashionMnist.NUM_CLASSES || spec.getInputChannels() != 1) {
            throw new IllegalArgumentException("the model has " + spec.getClasses() + " classes and "
                    + spec.getInputChannels() + " channels but Fashion-MNIST has " + FashionMnist.NUM_CLASSES
                    + " classes of grayscale images");
        }
    }

    @Override
    public FashionMnist trainingSet(Recipe recipe, EpochShuffleSampler sampler) throws IOException, TranslateException {
        return dataset(recipe, Dataset.Usage.TRAIN, recipe.getTrainSubset(), sampler);
    }

    @Override
    public FashionMnist validationSet(Recipe recipe) throws IOException, TranslateException {
        return dataset(recipe, Dataset.Usage.TEST, recipe.getTestSubset(),
                EpochShuffleSampler.sequential(recipe.getBatchSize()));
    }

    private FashionMnist dataset(Recipe recipe, Dataset.Usage usage, int subset, Sampler sampler)
            throws IOException, TranslateException {
        FashionMnist.Builder b = FashionMnist.builder()
                .optUsage(usage)
                .optResolution(recipe.getResolution())
                .setSampling(sampler);
        if (directory != null) {
            b.optDirectory(directory);
        }
        if (subset > 0) {
            b.optSubset(subset, recipe.getSeed());
        }
        FashionMnist set = b.build();
        set.prepare();
        return set;
    }
}
