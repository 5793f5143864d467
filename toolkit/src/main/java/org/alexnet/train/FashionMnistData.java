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
 *
 * <p>With {@link #withAugmentation augmentation} it trains as the paper did, scaled down: random R x R
 * patches of the images resized to R·256/224, randomly mirrored; it validates on the centre patch, and
 * {@link #testSet} gives the centre patch or the ten patches. The choice is stored in the checkpoint
 * ({@link RunState#augmented()}), so {@link #of(RunState, Path)} rebuilds the same data for a resume or
 * an evaluation.
 */
public final class FashionMnistData implements TrainingData {

    /** The name stored in checkpoints. */
    public static final String NAME = "fashion-mnist";

    private final Path directory;
    private final boolean augment;

    /** The files found by the search described in {@link FashionMnist}. */
    public FashionMnistData() {
        this(null);
    }

    /** The four official .gz files in {@code directory} (null: the default search). */
    public FashionMnistData(Path directory) {
        this(directory, false);
    }

    private FashionMnistData(Path directory, boolean augment) {
        this.directory = directory;
        this.augment = augment;
    }

    /** The same files, trained on random crops and mirror images (true) or on whole images (false). */
    public FashionMnistData withAugmentation(boolean augment) {
        return new FashionMnistData(directory, augment);
    }

    /** The data a saved run trained on, from {@code directory} (null: the default search). */
    public static FashionMnistData of(RunState state, Path directory) {
        return new FashionMnistData(directory, state.augmented());
    }

    public boolean isAugmented() {
        return augment;
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
        return dataset(
                recipe,
                Dataset.Usage.TRAIN,
                recipe.getTrainSubset(),
                sampler,
                augment ? FashionMnist.Crops.RANDOM : FashionMnist.Crops.NONE);
    }

    /** The test split; with augmentation its centre patches (the ten-patch test is {@link #testSet}). */
    @Override
    public FashionMnist validationSet(Recipe recipe) throws IOException, TranslateException {
        return testSet(recipe, false);
    }

    /**
     * The test split as the run's network sees it: whole images without augmentation; with it the
     * centre patch, or the ten patches when {@code tenPatches} (ten rows per image).
     */
    public FashionMnist testSet(Recipe recipe, boolean tenPatches) throws IOException, TranslateException {
        FashionMnist.Crops crops =
                !augment ? FashionMnist.Crops.NONE : tenPatches ? FashionMnist.Crops.TEN : FashionMnist.Crops.CENTRE;
        // Ten rows per image: a tenth of the images per batch keeps the batches' memory as in training.
        int batch = crops == FashionMnist.Crops.TEN ? Math.max(1, recipe.getBatchSize() / 10) : recipe.getBatchSize();
        return dataset(
                recipe, Dataset.Usage.TEST, recipe.getTestSubset(), EpochShuffleSampler.sequential(batch), crops);
    }

    private FashionMnist dataset(
            Recipe recipe, Dataset.Usage usage, int subset, Sampler sampler, FashionMnist.Crops crops)
            throws IOException, TranslateException {
        FashionMnist.Builder b = FashionMnist.builder()
                .optUsage(usage)
                .optResolution(recipe.getResolution())
                .optCrops(crops, recipe.getSeed())
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
