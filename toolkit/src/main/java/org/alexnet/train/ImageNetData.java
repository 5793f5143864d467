package org.alexnet.train;

import ai.djl.Model;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.Sampler;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.alexnet.data.EpochShuffleSampler;
import org.alexnet.data.imagenet.DatasetStatistics;
import org.alexnet.data.imagenet.ImageNet;
import org.alexnet.data.imagenet.ImageNetLayout;
import org.alexnet.eval.Evaluation;
import org.alexnet.model.ModelSpec;

/**
 * ImageNet for a {@link Training}, prepared as in the paper: the layout under a root folder, the
 * cached mean image and RGB PCA, the augmented training pipeline, centre-crop validation every epoch,
 * and the 10-crop evaluation. The recipe's resolution is the crop (224); images are scaled to 256/224
 * of it first.
 *
 * <pre>{@code
 * ImageNetData data = ImageNetData.builder().setRoot(Path.of("/data/imagenet")).build();
 * ModelSpec spec = data.defaultSpec();
 * try (Model model = Training.newModel(spec, "MXNet", null)) {
 *     History h = Training.builder().setModel(model, spec).setData(data).setRecipe(Recipe.paper())
 *             .optOutputDir(Path.of("runs/imagenet")).build().fit();
 *     Evaluation tenCrop = data.evaluate(model, Recipe.paper(), ImageNet.Mode.TEN_CROP);
 * }
 * }</pre>
 */
public final class ImageNetData implements TrainingData {

    /** The name stored in checkpoints. */
    public static final String NAME = "imagenet";

    /** Images used for the mean image and PCA unless told otherwise (a seeded sample of train/). */
    public static final int DEFAULT_STATISTICS_IMAGES = 10_000;

    /** PCA lighting unless told otherwise (the paper's); also what a checkpoint that does not record it had. */
    public static final boolean DEFAULT_LIGHTING = true;

    /** The input scale unless told otherwise (the paper's 0..255 values); also what an unrecorded checkpoint had. */
    public static final float DEFAULT_PIXEL_SCALE = 1f;

    /**
     * Training sets smaller than this get DJL's default initialisation and {@link #SMALL_SET_PIXEL_SCALE}
     * unless told otherwise: the paper's N(0, 0.01) weights on 0..255 inputs need ImageNet's size (on
     * the README's 1,000-image sample they diverged at epoch 4).
     */
    public static final int SMALL_TRAINING_SET = 50_000;

    /** The input scale of a small training set: 0..255 pixels become 0..1. */
    public static final float SMALL_SET_PIXEL_SCALE = 1f / 255;

    /** Whether {@code layout}'s training split is under {@link #SMALL_TRAINING_SET} images. */
    public static boolean isSmall(ImageNetLayout layout) {
        return layout.getTrainFiles().size() < SMALL_TRAINING_SET;
    }

    /** The pixel scale for training on {@code layout} unless told otherwise: the paper's 1, or 1/255 on a small set. */
    public static float defaultPixelScale(ImageNetLayout layout) {
        return isSmall(layout) ? SMALL_SET_PIXEL_SCALE : DEFAULT_PIXEL_SCALE;
    }

    /** Whether a network trained on {@code layout} gets the paper's initialisation unless told otherwise (not on a small set). */
    public static boolean defaultPaperInit(ImageNetLayout layout) {
        return !isSmall(layout);
    }

    /**
     * What a checkpoint records about an ImageNet run's data, so that --resume, evaluate and predict
     * read the same images with the same mean image, lighting and scale ({@link #from}).
     *
     * @param root the folder holding train/ and val/, absolute (null: not recorded)
     * @param lighting PCA colour lighting on training images
     * @param pixelScale the factor inputs were multiplied by
     * @param statisticsFile the mean image and PCA file the run was given (null: the default one, see
     *     {@link #statistics})
     * @param statisticsImages how many training images the statistics were computed from (0 = all)
     * @param classes how many classes (the first ones, sorted by wnid) the run used
     */
    public record Facts(
            Path root, boolean lighting, float pixelScale, Path statisticsFile, int statisticsImages, int classes) {

        /**
         * {@code override} if given, else the recorded folder.
         *
         * @throws IllegalArgumentException when neither is known, saying to pass --data-dir
         */
        public Path rootOr(Path override) {
            if (override != null) {
                return override;
            }
            if (root == null) {
                throw new IllegalArgumentException("the checkpoint does not record its ImageNet folder:"
                        + " pass --data-dir DIR, the folder holding the train/ and val/ it was trained on");
            }
            return root;
        }
    }

    private final ImageNetLayout layout;
    private final int threads;
    private final boolean lighting;
    private final float pixelScale;
    private final Path statisticsFile;
    private final int statisticsImages;
    private Consumer<String> reporter;
    private final boolean reporterSet;
    private DatasetStatistics statistics;
    private int statisticsScale;

    private ImageNetData(Builder b) {
        layout = b.layout != null ? b.layout : ImageNetLayout.read(b.root, b.maxClasses);
        threads = b.threads;
        lighting = b.lighting;
        pixelScale = b.pixelScale;
        statisticsFile = b.statisticsFile;
        statisticsImages = b.statisticsImages;
        reporterSet = b.reporter != null;
        reporter = reporterSet ? b.reporter : message -> {};
    }

    /** Sets where messages go for one run (null: nowhere, after it); a reporter given to the builder stays. */
    @Override
    public synchronized void reportTo(Consumer<String> messages) {
        if (!reporterSet) {
            reporter = messages != null ? messages : message -> {};
        }
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

    /** The paper's AlexNet with as many classes as the data. */
    public ModelSpec defaultSpec() {
        return ModelSpec.of(ModelSpec.Variant.ALEXNET, layout.getClassCount(), 3);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void check(ModelSpec spec) {
        if (spec.getClasses() != layout.getClassCount() || spec.getInputChannels() != 3) {
            throw new IllegalArgumentException("the model has " + spec.getClasses() + " classes and "
                    + spec.getInputChannels() + " channels but the data has " + layout.getClassCount()
                    + " classes of RGB images");
        }
    }

    /** What checkpoints record about these data. */
    public Facts facts() {
        return new Facts(
                layout.getRoot().toAbsolutePath().normalize(),
                lighting,
                pixelScale,
                statisticsFile == null ? null : statisticsFile.toAbsolutePath().normalize(),
                statisticsImages,
                layout.getClassCount());
    }

    /**
     * A builder set up as the run that wrote {@code state} was (folder, classes, lighting, pixel
     * scale, statistics file and images), for resuming or evaluating it; {@code root} replaces the
     * recorded folder when given (the data moved).
     *
     * @throws IllegalArgumentException when {@code state} is not an ImageNet run, or its folder is not
     *     recorded and {@code root} is null
     */
    public static Builder from(RunState state, Path root) {
        Facts f = state.imageNet();
        if (f == null) {
            throw new IllegalArgumentException("the run trained on " + state.datasetName() + ", not " + NAME);
        }
        return builder()
                .setRoot(f.rootOr(root))
                .optMaxClasses(f.classes())
                .optLighting(f.lighting())
                .optPixelScale(f.pixelScale())
                .optStatisticsFile(f.statisticsFile())
                .optStatisticsImages(f.statisticsImages());
    }

    /**
     * The mean image and PCA of the training set at the recipe's scale: read from the cache file when
     * it matches, else computed once and cached (default file: ROOT/alexnet-statistics-SIZE.bin when
     * ROOT is writable, else ~/.cache/alexnet/).
     */
    public synchronized DatasetStatistics statistics(Recipe recipe) throws IOException {
        int scale = scaleFor(recipe.getResolution());
        if (statistics == null || statisticsScale != scale) {
            try (ImageNet plain = dataset(
                    recipe, Dataset.Usage.TRAIN, ImageNet.Mode.CENTER, 0, EpochShuffleSampler.sequential(1), false)) {
                statistics = DatasetStatistics.loadOrCompute(
                        statisticsPath(scale), plain, statisticsImages, recipe.getSeed(), reporter);
            }
            statisticsScale = scale;
        }
        return statistics;
    }

    private Path statisticsPath(int scale) {
        if (statisticsFile != null) {
            return statisticsFile;
        }
        String name = "alexnet-statistics-" + scale + "-" + layout.getClassCount() + ".bin";
        if (Files.isWritable(layout.getRoot())) {
            return layout.getRoot().resolve(name);
        }
        String key = Integer.toHexString(
                layout.getRoot().toAbsolutePath().normalize().toString().hashCode());
        return Path.of(System.getProperty("user.home"), ".cache", "alexnet", key + "-" + name);
    }

    /** The augmented training split (random crops, flips, PCA lighting), shuffled per epoch by {@code sampler}. */
    @Override
    public ImageNet trainingSet(Recipe recipe, EpochShuffleSampler sampler) throws IOException {
        return dataset(recipe, Dataset.Usage.TRAIN, ImageNet.Mode.TRAIN, recipe.getTrainSubset(), sampler, true);
    }

    /** The validation split as centre crops. */
    @Override
    public ImageNet validationSet(Recipe recipe) throws IOException {
        return validationSet(recipe, ImageNet.Mode.CENTER);
    }

    /** The validation split as centre crops or ten crops, in file order. */
    public ImageNet validationSet(Recipe recipe, ImageNet.Mode mode) throws IOException {
        int batch = mode == ImageNet.Mode.TEN_CROP ? Math.max(1, recipe.getBatchSize() / 10) : recipe.getBatchSize();
        return dataset(
                recipe,
                Dataset.Usage.VALIDATION,
                mode,
                recipe.getTestSubset(),
                EpochShuffleSampler.sequential(batch),
                true);
    }

    @Override
    public List<String> notes(Dataset trainingSet) {
        long skipped = trainingSet instanceof ImageNet i ? i.getSkippedCount() : 0;
        return skipped > 0 ? List.of(skipped + " unreadable training images were skipped") : List.of();
    }

    private ImageNet dataset(
            Recipe recipe, Dataset.Usage usage, ImageNet.Mode mode, int subset, Sampler sampler, boolean withStatistics)
            throws IOException {
        int crop = recipe.getResolution();
        ImageNet.Builder b = ImageNet.builder()
                .setLayout(layout)
                .optUsage(usage)
                .optMode(mode)
                .optSizes(scaleFor(crop), crop)
                .optSeed(recipe.getSeed())
                .optSubset(subset)
                .optThreads(threads)
                .optPixelScale(pixelScale)
                .optReporter(reporter)
                .setSampling(sampler);
        if (withStatistics) {
            b.optStatistics(statistics(recipe), lighting);
        }
        return b.build();
    }

    /** Top-1/top-5 of {@code model} on the validation split with centre crops or the 10-crop test. */
    public Evaluation evaluate(Model model, Recipe recipe, ImageNet.Mode mode) throws IOException, TranslateException {
        try (ImageNet val = validationSet(recipe, mode)) {
            ParameterStore ps = new ParameterStore(model.getNDManager(), false);
            return Evaluation.run(
                    x -> model.getBlock().forward(ps, x, false), val, model.getNDManager(), layout.getClassCount());
        }
    }

    /** Appends a line to OUTPUT/evaluation.csv (created with a header). */
    public static void appendEvaluation(Path outputDir, int epoch, String crops, Evaluation e) throws IOException {
        Path csv = outputDir.resolve("evaluation.csv");
        StringBuilder s = new StringBuilder();
        if (!Files.exists(csv)) {
            s.append("epoch,crops,images,top1,top5\n");
        }
        s.append(String.format(
                Locale.ROOT, "%d,%s,%d,%.6f,%.6f%n", epoch, crops, e.getCount(), e.getTop1(), e.getTop5()));
        Files.createDirectories(outputDir);
        Files.writeString(csv, s, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** Builder for {@link ImageNetData}. */
    public static final class Builder {
        private Path root;
        private ImageNetLayout layout;
        private int maxClasses;
        private int threads;
        private boolean lighting = DEFAULT_LIGHTING;
        private float pixelScale = DEFAULT_PIXEL_SCALE;
        private Path statisticsFile;
        private int statisticsImages = DEFAULT_STATISTICS_IMAGES;
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

        /** Where the mean image and PCA are cached (null: the default, see {@link ImageNetData#statistics}). */
        public Builder optStatisticsFile(Path file) {
            this.statisticsFile = file;
            return this;
        }

        /** How many training images the statistics use (0 = all). */
        public Builder optStatisticsImages(int n) {
            this.statisticsImages = n;
            return this;
        }

        /** Receives data messages (statistics progress, cache use); default: the training's listeners. */
        public Builder optReporter(Consumer<String> reporter) {
            this.reporter = reporter;
            return this;
        }

        public ImageNetData build() {
            if (root == null && layout == null) {
                throw new IllegalArgumentException("set the dataset root (setRoot)");
            }
            return new ImageNetData(this);
        }
    }
}
