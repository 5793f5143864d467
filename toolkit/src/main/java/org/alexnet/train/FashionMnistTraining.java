package org.alexnet.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.training.dataset.Dataset;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.alexnet.data.EpochShuffleSampler;
import org.alexnet.data.FashionMnist;
import org.alexnet.model.ModelSpec;

/**
 * A whole Fashion-MNIST run from a {@link ModelSpec} and a {@link Recipe}: the datasets at the recipe's
 * resolution and subset sizes, then {@link Training}. Used by the command line, notebooks and tests.
 *
 * <pre>{@code
 * ModelSpec spec = ModelSpec.of(ModelSpec.Variant.ALEXNET_FASHION, 10, 1);
 * try (Model model = FashionMnistTraining.newModel(spec, "MXNet")) {
 *     History h = FashionMnistTraining.builder().setSpec(spec).setRecipe(Recipe.workshop())
 *             .addListener(new ConsoleProgress()).build().fit(model);
 * }
 * }</pre>
 */
public final class FashionMnistTraining {

    private final ModelSpec spec;
    private final Recipe recipe;
    private final Path dataDirectory;
    private final Path outputDir;
    private final boolean resume;
    private final Device[] devices;
    private final List<ProgressListener> listeners;
    private final StopSignal stop;

    private FashionMnistTraining(Builder b) {
        spec = b.spec;
        recipe = b.recipe;
        dataDirectory = b.dataDirectory;
        outputDir = b.outputDir;
        resume = b.resume;
        devices = b.devices;
        listeners = List.copyOf(b.listeners);
        stop = b.stop;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A new model holding a fresh network of {@code spec}, on the engine's first device. */
    public static Model newModel(ModelSpec spec, String engine) {
        Model model = Model.newInstance(spec.getVariant().id(), (Device) null, engine);
        model.setBlock(spec.build());
        return model;
    }

    /** The training split at the recipe's resolution and subset, shuffled per epoch by {@code sampler}. */
    public FashionMnist trainingSet(EpochShuffleSampler sampler) {
        return dataset(Dataset.Usage.TRAIN, recipe.getTrainSubset(), sampler);
    }

    /** The test split at the recipe's resolution and subset, in file order. */
    public FashionMnist testSet() {
        return dataset(Dataset.Usage.TEST, recipe.getTestSubset(), EpochShuffleSampler.sequential(recipe.getBatchSize()));
    }

    private FashionMnist dataset(Dataset.Usage usage, int subset, ai.djl.training.dataset.Sampler sampler) {
        FashionMnist.Builder b = FashionMnist.builder()
                .optUsage(usage)
                .optResolution(recipe.getResolution())
                .setSampling(sampler);
        if (dataDirectory != null) {
            b.optDirectory(dataDirectory);
        }
        if (subset > 0) {
            b.optSubset(subset, recipe.getSeed());
        }
        return b.build();
    }

    /** Trains {@code model} (whose block was built from the spec) and returns the history. */
    public History fit(Model model) throws IOException, TranslateException {
        EpochShuffleSampler sampler = new EpochShuffleSampler(recipe.getBatchSize(), recipe.getSeed());
        FashionMnist train = trainingSet(sampler);
        FashionMnist test = testSet();
        train.prepare();
        test.prepare();
        Training.Builder tb = Training.builder()
                .setModel(model)
                .setInputShape(spec.inputShape(recipe.getResolution()))
                .setClasses(spec.getClasses())
                .setTrainingSet(train, sampler)
                .setValidationSet(test)
                .setRecipe(recipe)
                .optOutputDir(outputDir)
                .optResume(resume)
                .optMetadata("dataset", "fashion-mnist");
        if (devices != null) {
            tb.optDevices(devices);
        }
        spec.toProperties().forEach((k, v) -> tb.optMetadata(k.toString(), v.toString()));
        listeners.forEach(tb::addListener);
        tb.optStopSignal(stop);
        return tb.build().fit();
    }

    /** Builder for {@link FashionMnistTraining}. */
    public static final class Builder {
        private ModelSpec spec = ModelSpec.of(ModelSpec.Variant.ALEXNET_FASHION, FashionMnist.NUM_CLASSES, 1);
        private Recipe recipe = Recipe.workshop();
        private Path dataDirectory;
        private Path outputDir;
        private boolean resume;
        private Device[] devices;
        private final List<ProgressListener> listeners = new ArrayList<>();
        private StopSignal stop;

        /** See {@link Training.Builder#optStopSignal}. */
        public Builder optStopSignal(StopSignal stop) {
            this.stop = stop;
            return this;
        }

        public Builder setSpec(ModelSpec spec) {
            this.spec = spec;
            return this;
        }

        public Builder setRecipe(Recipe recipe) {
            this.recipe = recipe;
            return this;
        }

        /** Folder holding the four official .gz files; default: the search described in {@link FashionMnist}. */
        public Builder optDataDirectory(Path dir) {
            this.dataDirectory = dir;
            return this;
        }

        public Builder optOutputDir(Path dir) {
            this.outputDir = dir;
            return this;
        }

        public Builder optResume(boolean resume) {
            this.resume = resume;
            return this;
        }

        public Builder optDevices(Device... devices) {
            this.devices = devices;
            return this;
        }

        public Builder addListener(ProgressListener listener) {
            listeners.add(listener);
            return this;
        }

        public FashionMnistTraining build() {
            return new FashionMnistTraining(this);
        }
    }
}
