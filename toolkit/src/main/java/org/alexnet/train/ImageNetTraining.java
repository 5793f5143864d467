package org.alexnet.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.Dataset;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.alexnet.data.EpochShuffleSampler;
import org.alexnet.data.imagenet.DatasetStatistics;
import org.alexnet.data.imagenet.ImageNet;
import org.alexnet.data.imagenet.ImageNetLayout;
import org.alexnet.eval.Evaluation;
import org.alexnet.model.ModelSpec;

/**
 * A whole ImageNet run with the paper's recipe: the layout under a root folder, the cached mean image
 * and RGB PCA, the augmented training pipeline, centre-crop validation every epoch, and the 10-crop
 * evaluation. The recipe's resolution is the crop (224); images are scaled to 256/224 of it first.
 *
 * <pre>{@code
 * ImageNetTraining run = ImageNetTraining.builder().setRoot(Path.of("/data/imagenet"))
 *         .setRecipe(Recipe.paper()).optOutputDir(Path.of("runs/imagenet")).build();
 * try (Model model = FashionMnistTraining.newModel(run.spec(), "MXNet")) {
 *     History h = run.fit(model);
 *     Evaluation tenCrop = run.evaluate(model, ImageNet.Mode.TEN_CROP);
 * }
 * }</pre>
 */
public final class ImageNetTraining {

    /** Images used for the mean image and PCA unless told otherwise (a seeded sample of train/). */
    public static final int DEFAULT_STATISTICS_IMAGES = 10_000;

    private final ImageNetLayout layout;
    private final ModelSpec spec;
    private final Recipe recipe;
    private final Path outputDir;
    private final boolean resume;
    private final Device[] devices;
    private final int threads;
    private final boolean lighting;
    private final float pixelScale;
    private final Path statisticsFile;
    private final int statisticsImages;
    private final List<ProgressListener> listeners;
    private final StopSignal stop;
    private final Consumer<String> reporter;
    private DatasetStatistics statistics;

    private ImageNetTraining(Builder b) {
        layout = b.layout != null ? b.layout : ImageNetLayout.read(b.root, b.maxClasses);
        spec = b.spec != null ? b.spec : ModelSpec.of(ModelSpec.Variant.ALEXNET, layout.getClassCount(), 3);
        if (spec.getClasses() != layout.getClassCount() || spec.getInputChannels() != 3) {
            throw new IllegalArgumentException("the model has " + spec.getClasses() + " classes and "
                    + spec.getInputChannels() + " channels but the data has " + layout.getClassCount() + " classes of RGB images");
        }
        recipe = b.recipe;
        outputDir = b.outputDir;
        resume = b.resume;
        devices = b.devices;
        threads = b.threads;
        lighting = b.lighting;
        pixelScale = b.pixelScale;
        statisticsFile = b.statisticsFile;
        statisticsImages = b.statisticsImages;
        listeners = List.copyOf(b.listeners);
        stop = b.stop;
        reporter = b.reporter != null ? b.reporter : message -> listeners.forEach(l -> l.onMessage(message));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The scaled size for a crop: 256 for the paper's 224. */
    public static int scaleFor(int crop) {
        return Math.round(crop * (float) ImageNet.SCALE / ImageNet.CROP);
    }

    public ImageNetLayout layout() {
        return layout;
    }

    public ModelSpec spec() {
        return spec;
    }

    /**
     * The mean image and PCA of the training set: read from the cache file when it matches, else
     * computed once and cached (default file: ROOT/alexnet-statistics-SIZE.bin when ROOT is writable,
     * else ~/.cache/alexnet/).
     */
    public synchronized DatasetStatistics statistics() throws IOException {
        if (statistics == null) {
            ImageNet plain = dataset(Dataset.Usage.TRAIN, ImageNet.Mode.CENTER, 0, EpochShuffleSampler.sequential(1), false);
            statistics = DatasetStatistics.loadOrCompute(statisticsPath(), plain, statisticsImages, recipe.getSeed(), reporter);
        }
        return statistics;
    }

    private Path statisticsPath() {
        if (statisticsFile != null) {
            return statisticsFile;
        }
        String name = "alexnet-statistics-" + scaleFor(recipe.getResolution()) + "-" + layout.getClassCount() + ".bin";
        if (Files.isWritable(layout.getRoot())) {
            return layout.getRoot().resolve(name);
        }
        String key = Integer.toHexString(layout.getRoot().toAbsolutePath().normalize().toString().hashCode());
        return Path.of(System.getProperty("user.home"), ".cache", "alexnet", key + "-" + name);
    }

    /** The augmented training split (random crops, flips, PCA lighting), shuffled per epoch by {@code sampler}. */
    public ImageNet trainingSet(EpochShuffleSampler sampler) throws IOException {
        return dataset(Dataset.Usage.TRAIN, ImageNet.Mode.TRAIN, recipe.getTrainSubset(), sampler, true);
    }

    /** The validation split as centre crops or ten crops, in file order. */
    public ImageNet validationSet(ImageNet.Mode mode) throws IOException {
        int batch = mode == ImageNet.Mode.TEN_CROP ? Math.max(1, recipe.getBatchSize() / 10) : recipe.getBatchSize();
        return dataset(Dataset.Usage.VALIDATION, mode, recipe.getTestSubset(), EpochShuffleSampler.sequential(batch), true);
    }

    private ImageNet dataset(Dataset.Usage usage, ImageNet.Mode mode, int subset, ai.djl.training.dataset.Sampler sampler,
            boolean withStatistics) throws IOException {
        int crop = recipe.getResolution();
        ImageNet.Builder b = ImageNet.builder().setLayout(layout).optUsage(usage).optMode(mode)
                .optSizes(scaleFor(crop), crop).optSeed(recipe.getSeed()).optSubset(subset).optThreads(threads)
                .optPixelScale(pixelScale).optReporter(reporter).setSampling(sampler);
        if (withStatistics) {
            b.optStatistics(statistics(), lighting);
        }
        return b.build();
    }

    /** Trains {@code model} (whose block was built from {@link #spec()}) and returns the history. */
    public History fit(Model model) throws IOException, TranslateException {
        EpochShuffleSampler sampler = new EpochShuffleSampler(recipe.getBatchSize(), recipe.getSeed());
        try (ImageNet train = trainingSet(sampler);
                ImageNet val = validationSet(ImageNet.Mode.CENTER)) {
            Training.Builder tb = Training.builder()
                    .setModel(model)
                    .setInputShape(spec.inputShape(recipe.getResolution()))
                    .setClasses(spec.getClasses())
                    .setTrainingSet(train, sampler)
                    .setValidationSet(val)
                    .setRecipe(recipe)
                    .optOutputDir(outputDir)
                    .optResume(resume)
                    .optStopSignal(stop)
                    .optMetadata("dataset", "imagenet")
                    .optMetadata("data_root", layout.getRoot().toAbsolutePath().normalize().toString())
                    .optMetadata("lighting", Boolean.toString(lighting))
                    .optMetadata("pixel_scale", Float.toString(pixelScale));
            if (devices != null) {
                tb.optDevices(devices);
            }
            spec.toProperties().forEach((k, v) -> tb.optMetadata(k.toString(), v.toString()));
            listeners.forEach(tb::addListener);
            History history = tb.build().fit();
            if (train.getSkippedCount() > 0) {
                reporter.accept(train.getSkippedCount() + " unreadable training images were skipped");
            }
            return history;
        }
    }

    /** Top-1/top-5 of {@code model} on the validation split with centre crops or the 10-crop test. */
    public Evaluation evaluate(Model model, ImageNet.Mode mode) throws IOException, TranslateException {
        try (ImageNet val = validationSet(mode)) {
            ParameterStore ps = new ParameterStore(model.getNDManager(), false);
            return Evaluation.run(x -> model.getBlock().forward(ps, x, false), val, model.getNDManager(), spec.getClasses());
        }
    }

    /** Appends a line to OUTPUT/evaluation.csv (created with a header). */
    public static void appendEvaluation(Path outputDir, int epoch, String crops, Evaluation e) throws IOException {
        Path csv = outputDir.resolve("evaluation.csv");
        StringBuilder s = new StringBuilder();
        if (!Files.exists(csv)) {
            s.append("epoch,crops,images,top1,top5\n");
        }
        s.append(String.format(java.util.Locale.ROOT, "%d,%s,%d,%.6f,%.6f%n", epoch, crops, e.getCount(), e.getTop1(), e.getTop5()));
        Files.createDirectories(outputDir);
        Files.writeString(csv, s, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
    }

    /** Builder for {@link ImageNetTraining}. */
    public static final class Builder {
        private Path root;
        private ImageNetLayout layout;
        private int maxClasses;
        private ModelSpec spec;
        private Recipe recipe = Recipe.paper();
        private Path outputDir;
        private boolean resume;
        private Device[] devices;
        private int threads;
        private boolean lighting = true;
        private float pixelScale = 1f;
        private Path statisticsFile;
        private int statisticsImages = DEFAULT_STATISTICS_IMAGES;
        private final List<ProgressListener> listeners = new ArrayList<>();
        private StopSignal stop;
        private Consumer<String> reporter;

        /** The folder holding train/ and val/ (see {@link ImageNetLayout}). */
        public Builder setRoot(Path root) {
            this.root = root;
            return this;
        }

        public Builder setLayout(ImageNetLayout layout) {
            this.layout = layout;
            return this;
        }

        /** Only the first N classes (sorted wnids); 0 = all. */
        public Builder optMaxClasses(int n) {
            this.maxClasses = n;
            return this;
        }

        /** The network (default: the paper's AlexNet with as many classes as the data). */
        public Builder setSpec(ModelSpec spec) {
            this.spec = spec;
            return this;
        }

        /** The recipe (default: the paper's). Its resolution is the crop size. */
        public Builder setRecipe(Recipe recipe) {
            this.recipe = recipe;
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

        /** Decoding threads (default: all cores). */
        public Builder optThreads(int threads) {
            this.threads = threads;
            return this;
        }

        /** PCA colour lighting on training images (default on, as in the paper). */
        public Builder optLighting(boolean lighting) {
            this.lighting = lighting;
            return this;
        }

        /** See {@link ImageNet.Builder#optPixelScale} (default 1, the paper's 0..255 values). */
        public Builder optPixelScale(float scale) {
            this.pixelScale = scale;
            return this;
        }

        /** Where the mean image and PCA are cached. */
        public Builder optStatisticsFile(Path file) {
            this.statisticsFile = file;
            return this;
        }

        /** How many training images the statistics use (0 = all). */
        public Builder optStatisticsImages(int n) {
            this.statisticsImages = n;
            return this;
        }

        public Builder addListener(ProgressListener listener) {
            listeners.add(listener);
            return this;
        }

        /** See {@link Training.Builder#optStopSignal}. */
        public Builder optStopSignal(StopSignal stop) {
            this.stop = stop;
            return this;
        }

        /** Receives data messages (statistics, skipped images); default: the listeners' onMessage. */
        public Builder optReporter(Consumer<String> reporter) {
            this.reporter = reporter;
            return this;
        }

        public ImageNetTraining build() {
            if (root == null && layout == null) {
                throw new IllegalArgumentException("set the dataset root (setRoot)");
            }
            return new ImageNetTraining(this);
        }
    }
}
