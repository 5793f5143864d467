package org.alexnet.data;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.DataIterable;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.training.dataset.Sampler;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Pipeline;
import ai.djl.util.Progress;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.ref.SoftReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import org.alexnet.data.transform.CenterCrop;
import org.alexnet.data.transform.FloatImage;
import org.alexnet.data.transform.RandomCrop;
import org.alexnet.data.transform.RandomFlip;
import org.alexnet.data.transform.TenCrop;

/**
 * Fashion-MNIST read from the official gzip IDX files, with batches built in bulk.
 *
 * <pre>{@code
 * FashionMnist train = FashionMnist.builder()
 *         .optUsage(Dataset.Usage.TRAIN)
 *         .optResolution(224)
 *         .optSubset(10_000, 42)
 *         .setSampling(new EpochShuffleSampler(128, 42))
 *         .build();
 * train.prepare();
 * }</pre>
 *
 * <p>Files are looked up in: the directory given to {@link Builder#optDirectory(Path)}; the
 * directory in the environment variable {@value #ENV_DIRECTORY}; {@code datasets/fashion-mnist/} in
 * the working directory or any of its parents (so notebooks in a sub-folder find the project's
 * copy); {@code /usr/share/datasets/fashion-mnist/} (Debian package {@code dataset-fashion-mnist}).
 *
 * <p>Batches hold data of shape {@code (B, 1, R, R)}, float32 in [0, 1], and labels of shape {@code
 * (B)}, float32. All images live in one byte array; a batch is one array copy plus one batched
 * resize on the engine. A pipeline set on the builder is applied to whole batches. Loading happens
 * on {@link #prepare()} or on first use.
 *
 * <p>Crops ({@link Builder#optCrops}) do the paper's augmentation and test at Fashion-MNIST's scale:
 * the images are resized to {@link #scaledSide R·256/224} and R x R patches cut from them, as the paper
 * cut 224 from 256 - a random patch and a random mirror image per image and epoch for training, the
 * centre patch, or the ten patches (four corners, centre, their mirror images: ten consecutive rows
 * per image, whose softmax outputs the evaluation (eval.Evaluation) averages).
 */
public final class FashionMnist extends RandomAccessDataset {

    /** Side length of the stored images. */
    public static final int IMAGE_SIZE = 28;

    /** Number of classes. */
    public static final int NUM_CLASSES = 10;

    /** Class names, indexed by label. */
    public static final List<String> CLASS_NAMES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** Environment variable that points at a directory holding the four files. */
    public static final String ENV_DIRECTORY = "FASHION_MNIST_DIR";

    /** Where the Debian package {@code dataset-fashion-mnist} installs the files. */
    public static final Path SYSTEM_DIRECTORY = Path.of("/usr/share/datasets/fashion-mnist");

    /** Project-relative folder searched from the working directory upwards. */
    public static final String PROJECT_DIRECTORY = "datasets/fashion-mnist";

    /** The fix appended to every file error. */
    public static final String HOW_TO_GET =
            "install it with: apt-get install dataset-fashion-mnist, or set " + ENV_DIRECTORY;

    private static final int PIXELS = IMAGE_SIZE * IMAGE_SIZE;
    private static final float[] TO_UNIT = new float[256];

    // Loaded splits by file identity, so re-running a notebook cell does not re-read 47 MB.
    private static final Map<String, SoftReference<IdxFiles.Data>> CACHE = new ConcurrentHashMap<>();

    static {
        for (int i = 0; i < 256; i++) {
            TO_UNIT[i] = i / 255f;
        }
    }

    private final Builder builder;
    private final Usage usage;
    private final int resolution;
    private final Crops crops;
    private volatile Loaded loaded;
    /** The epoch the random crops of the current iteration belong to (read from the sampler). */
    private volatile int cropEpoch;

    /** Which patches of the enlarged images a batch holds; {@link #NONE} resizes straight to R. */
    public enum Crops {
        /** The whole image resized to R x R. */
        NONE,
        /** A random R x R patch and a random mirror image, drawn per (seed, epoch, image). */
        RANDOM,
        /** The central R x R patch. */
        CENTRE,
        /** The paper's ten patches, ten consecutive rows per image. */
        TEN;

        /** How many rows each image becomes. */
        public int rowsPerImage() {
            return this == TEN ? TenCrop.COUNT : 1;
        }
    }

    /** The side the images are resized to before R x R patches are cut: R·256/224, as 224 of 256. */
    public static int scaledSide(int resolution) {
        return Math.round(resolution * 256f / 224f);
    }

    /** The loaded split plus the map from this dataset's indices to rows of the split. */
    private record Loaded(Path directory, IdxFiles.Data data, int[] rows) {}

    private FashionMnist(Builder builder) {
        super(builder);
        this.builder = builder;
        this.usage = builder.usage;
        this.resolution = builder.resolution;
        this.crops = builder.crops;
    }

    /** A view on {@code rows} of an already loaded dataset (sub-datasets, random splits). */
    private FashionMnist(FashionMnist parent, int[] rows) {
        super(parent.builder);
        this.builder = parent.builder;
        this.usage = parent.usage;
        this.resolution = parent.resolution;
        this.crops = parent.crops;
        this.limit = Long.MAX_VALUE;
        Loaded p = parent.load();
        this.loaded = new Loaded(p.directory(), p.data(), rows);
    }

    /**
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@inheritDoc} */
    @Override
    public void prepare(Progress progress) throws IOException {
        load();
    }

    /** {@inheritDoc} */
    @Override
    protected long availableSize() {
        return load().rows().length;
    }

    /**
     * @return the split this dataset reads
     */
    public Usage getUsage() {
        return usage;
    }

    /**
     * @return the output side length R of the {@code (B, 1, R, R)} batches
     */
    public int getResolution() {
        return resolution;
    }

    /** Which patches batches hold. */
    public Crops getCrops() {
        return crops;
    }

    /**
     * Returns the directory the files are read from (resolving it if not done yet).
     *
     * @return the resolved directory
     * @throws DatasetException if no location holds the files
     */
    public Path getDirectory() {
        Loaded l = loaded;
        if (l != null) {
            return l.directory();
        }
        return resolveDirectory(
                builder.directory, System.getenv(ENV_DIRECTORY), Path.of("").toAbsolutePath(), usage);
    }

    /**
     * @return the class names, indexed by label
     */
    public List<String> getClassNames() {
        return CLASS_NAMES;
    }

    /**
     * @param index the index in this dataset
     * @return the label (0..9) of that example
     */
    public int getLabel(int index) {
        Loaded l = load();
        return l.data().labels()[row(l, index)];
    }

    /**
     * @param index the index in this dataset
     * @return a copy of the 28x28 raw pixels, row-major, unsigned bytes (0 = background)
     */
    public byte[] getPixels(int index) {
        Loaded l = load();
        int from = row(l, index) * PIXELS;
        return Arrays.copyOfRange(l.data().pixels(), from, from + PIXELS);
    }

    /**
     * @param index the index in this dataset
     * @return the 28x28 image as a grey-scale picture
     */
    public BufferedImage getImage(int index) {
        BufferedImage image = new BufferedImage(IMAGE_SIZE, IMAGE_SIZE, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setDataElements(0, 0, IMAGE_SIZE, IMAGE_SIZE, getPixels(index));
        return image;
    }

    /**
     * Builds the image tensor for several examples at once: one copy of the selected bytes into a
     * float array, one array creation, one batched resize.
     *
     * @param manager the manager that will own the result
     * @param indices indices in this dataset
     * @return float32 {@code (B, 1, R, R)} in [0, 1] ({@code (10 B, 1, R, R)} with ten patches)
     */
    public NDArray getImages(NDManager manager, long... indices) {
        if (crops == Crops.NONE) {
            return resized(manager, resolution, indices);
        }
        int side = scaledSide(resolution);
        float[] large;
        try (NDArray big = resized(manager, side, indices)) {
            large = big.toFloatArray();
        }
        int k = crops.rowsPerImage();
        int patch = resolution * resolution;
        float[] out = new float[indices.length * k * patch];
        int[][] ten = TenCrop.offsets(side, side, resolution);
        int[] centre = CenterCrop.offset(side, side, resolution);
        for (int i = 0; i < indices.length; i++) {
            FloatImage image =
                    new FloatImage(1, side, side, Arrays.copyOfRange(large, i * side * side, (i + 1) * side * side));
            List<FloatImage> rows;
            switch (crops) {
                case RANDOM: {
                    Random random = new Random(cropSeed(builder.cropSeed, cropEpoch, indices[i]));
                    int[] o = RandomCrop.offset(side, side, resolution, random);
                    FloatImage p = image.crop(o[0], o[1], resolution, resolution);
                    rows = List.of(RandomFlip.draw(random) ? p.flipHorizontally() : p);
                    break;
                }
                case CENTRE:
                    rows = List.of(image.crop(centre[0], centre[1], resolution, resolution));
                    break;
                default:
                    rows = new TenCrop(resolution).crops(image);
            }
            for (int r = 0; r < k; r++) {
                System.arraycopy(rows.get(r).data(), 0, out, (i * k + r) * patch, patch);
            }
        }
        return manager.create(out, new Shape((long) indices.length * k, 1, resolution, resolution));
    }

    /** The generator seed of one image's random patch: depends only on (seed, epoch, index). */
    static long cropSeed(long seed, int epoch, long index) {
        long h = seed * 0x9E3779B97F4A7C15L + epoch * 0xC2B2AE3D27D4EB4FL + index * 0x165667B19E3779F9L;
        return h ^ (h >>> 29);
    }

    private NDArray resized(NDManager manager, int resolution, long... indices) {
        Loaded l = load();
        byte[] pixels = l.data().pixels();
        float[] buffer = new float[indices.length * PIXELS];
        for (int i = 0; i < indices.length; i++) {
            int from = row(l, indices[i]) * PIXELS;
            int to = i * PIXELS;
            for (int p = 0; p < PIXELS; p++) {
                buffer[to + p] = TO_UNIT[pixels[from + p] & 0xFF];
            }
        }
        NDArray images = manager.create(buffer, new Shape(indices.length, 1, IMAGE_SIZE, IMAGE_SIZE));
        if (resolution == IMAGE_SIZE) {
            return images;
        }
        try (images) {
            return BilinearResize.resize(images, resolution, resolution);
        }
    }

    /**
     * @param manager the manager that will own the result
     * @param indices indices in this dataset
     * @return float32 labels of shape {@code (B)}
     */
    public NDArray getLabels(NDManager manager, long... indices) {
        Loaded l = load();
        float[] labels = new float[indices.length];
        for (int i = 0; i < indices.length; i++) {
            labels[i] = l.data().labels()[row(l, indices[i])];
        }
        return manager.create(labels);
    }

    /** {@inheritDoc} */
    @Override
    public Record get(NDManager manager, long index) {
        try (NDArray image = getImages(manager, index)) {
            NDArray data = crops == Crops.TEN
                    ? image.reshape(TenCrop.COUNT, 1, resolution, resolution)
                    : image.reshape(1, resolution, resolution);
            NDArray label = manager.create((float) getLabel(Math.toIntExact(index)));
            return new Record(new NDList(data), new NDList(label));
        }
    }

    /** {@inheritDoc} */
    @Override
    public Iterable<Batch> getData(NDManager manager, Sampler sampler, ExecutorService executorService)
            throws IOException {
        load();
        if (sampler instanceof EpochShuffleSampler s) {
            cropEpoch = s.getEpoch(); // before the iterable starts sampling (which advances it)
        }
        return new BulkIterable(
                this,
                manager,
                sampler,
                dataBatchifier,
                labelBatchifier,
                pipeline,
                targetPipeline,
                executorService,
                prefetchNumber,
                device);
    }

    /** {@inheritDoc} */
    @Override
    protected RandomAccessDataset newSubDataset(int[] indices, int from, int to) {
        Loaded l = load();
        int[] rows = new int[to - from];
        for (int i = from; i < to; i++) {
            rows[i - from] = l.rows()[indices[i]];
        }
        return new FashionMnist(this, rows);
    }

    /** {@inheritDoc} */
    @Override
    protected RandomAccessDataset newSubDataset(List<Long> subIndices) {
        Loaded l = load();
        int[] rows = new int[subIndices.size()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = row(l, subIndices.get(i));
        }
        return new FashionMnist(this, rows);
    }

    /**
     * Finds the directory to read from, in the documented order. An explicit directory or the
     * environment variable is taken as given (a wrong setting should fail loudly, not fall back);
     * the project folders and the system folder are used only if they hold this split's files.
     *
     * @param explicit the builder's directory, or null
     * @param environment the value of {@value #ENV_DIRECTORY}, or null
     * @param workingDirectory where to start looking for {@value #PROJECT_DIRECTORY}
     * @param usage TRAIN or TEST
     * @return the directory
     * @throws DatasetException if no candidate holds the files
     */
    static Path resolveDirectory(Path explicit, String environment, Path workingDirectory, Usage usage) {
        return resolveDirectory(explicit, environment, workingDirectory, SYSTEM_DIRECTORY, usage);
    }

    /** As above, with the system directory as a parameter (for tests). */
    static Path resolveDirectory(
            Path explicit, String environment, Path workingDirectory, Path systemDirectory, Usage usage) {
        if (explicit != null) {
            return explicit;
        }
        if (environment != null && !environment.isBlank()) {
            return Path.of(environment);
        }
        for (Path dir = workingDirectory.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(PROJECT_DIRECTORY);
            if (hasFiles(candidate, usage)) {
                return candidate;
            }
        }
        if (hasFiles(systemDirectory, usage)) {
            return systemDirectory;
        }
        String missing = fileNames(usage)[0];
        throw new DatasetException(
                systemDirectory.resolve(missing),
                String.format(
                        "Fashion-MNIST file %s not found in %s (nor in %s of %s or any parent" + " directory); %s",
                        missing, systemDirectory, PROJECT_DIRECTORY, workingDirectory.toAbsolutePath(), HOW_TO_GET));
    }

    /**
     * @return the image and label file names of a split
     */
    static String[] fileNames(Usage usage) {
        switch (usage) {
            case TRAIN:
                return new String[] {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"};
            case TEST:
                return new String[] {"t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"};
            default:
                throw new IllegalArgumentException("Fashion-MNIST has only TRAIN and TEST splits, not "
                        + usage
                        + "; use randomSplit() on TRAIN for a validation set");
        }
    }

    private static boolean hasFiles(Path dir, Usage usage) {
        for (String name : fileNames(usage)) {
            if (!Files.isRegularFile(dir.resolve(name))) {
                return false;
            }
        }
        return true;
    }

    private Loaded load() {
        Loaded l = loaded;
        if (l == null) {
            synchronized (this) {
                l = loaded;
                if (l == null) {
                    l = readFiles();
                    loaded = l;
                }
            }
        }
        return l;
    }

    private Loaded readFiles() {
        Path dir = getDirectory();
        String[] names = fileNames(usage);
        IdxFiles.Data data = readCached(dir.resolve(names[0]), dir.resolve(names[1]));
        int[] rows = builder.subsetSize > 0
                ? balancedSubset(data.labels(), builder.subsetSize, builder.subsetSeed)
                : allRows(data.count());
        return new Loaded(dir, data, rows);
    }

    private static IdxFiles.Data readCached(Path images, Path labels) {
        String key;
        try {
            key = images.toAbsolutePath()
                    + "|"
                    + Files.size(images)
                    + "|"
                    + Files.getLastModifiedTime(images)
                    + "|"
                    + labels.toAbsolutePath()
                    + "|"
                    + Files.size(labels)
                    + "|"
                    + Files.getLastModifiedTime(labels);
        } catch (IOException e) {
            key = null; // missing or unreadable: let the loader produce the proper error
        }
        SoftReference<IdxFiles.Data> ref = key == null ? null : CACHE.get(key);
        IdxFiles.Data data = ref == null ? null : ref.get();
        if (data == null) {
            data = IdxFiles.load(images, labels, IMAGE_SIZE, IMAGE_SIZE, NUM_CLASSES, HOW_TO_GET);
            if (key != null) {
                CACHE.put(key, new SoftReference<>(data));
            }
        }
        return data;
    }

    /**
     * Picks {@code n / 10} examples of every class, chosen by a per-class shuffle seeded from
     * {@code seed}, and returns them in file order.
     */
    static int[] balancedSubset(byte[] labels, int n, long seed) {
        int perClass = n / NUM_CLASSES;
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < NUM_CLASSES; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < labels.length; i++) {
            byClass.get(labels[i]).add(i);
        }
        int[] rows = new int[perClass * NUM_CLASSES];
        int k = 0;
        for (int c = 0; c < NUM_CLASSES; c++) {
            List<Integer> members = byClass.get(c);
            if (members.size() < perClass) {
                throw new IllegalArgumentException(String.format(
                        "Subset of %d needs %d examples of class %d (%s), only %d exist",
                        n, perClass, c, CLASS_NAMES.get(c), members.size()));
            }
            // Partial Fisher-Yates: the first perClass slots become a uniform random sample.
            Random random = new Random(seed * 31 + c);
            for (int i = 0; i < perClass; i++) {
                int j = i + random.nextInt(members.size() - i);
                Integer t = members.get(i);
                members.set(i, members.get(j));
                members.set(j, t);
                rows[k++] = members.get(i);
            }
        }
        Arrays.sort(rows);
        return rows;
    }

    private static int[] allRows(int count) {
        int[] rows = new int[count];
        for (int i = 0; i < count; i++) {
            rows[i] = i;
        }
        return rows;
    }

    private int row(Loaded l, long index) {
        if (index < 0 || index >= size()) {
            throw new IndexOutOfBoundsException("Index " + index + " out of range for dataset of size " + size());
        }
        return l.rows()[(int) index];
    }

    /** Iterates like DJL's {@link DataIterable}, but builds every batch with one bulk copy. */
    private static final class BulkIterable extends DataIterable {

        BulkIterable(
                FashionMnist dataset,
                NDManager manager,
                Sampler sampler,
                Batchifier dataBatchifier,
                Batchifier labelBatchifier,
                Pipeline pipeline,
                Pipeline targetPipeline,
                ExecutorService executor,
                int prefetchNumber,
                Device device) {
            super(
                    dataset,
                    manager,
                    sampler,
                    dataBatchifier,
                    labelBatchifier,
                    pipeline,
                    targetPipeline,
                    executor,
                    prefetchNumber,
                    device);
        }

        /** {@inheritDoc} */
        @Override
        protected Batch fetch(List<Long> indices, int progress) {
            FashionMnist fashion = (FashionMnist) dataset;
            long[] idx = indices.stream().mapToLong(Long::longValue).toArray();
            // Per-batch manager: batch.close() frees everything created for this batch.
            NDManager batchManager = manager.newSubManager();
            batchManager.setName("dataIter fetch");
            NDList data = new NDList(fashion.getImages(batchManager, idx));
            NDList labels = new NDList(fashion.getLabels(batchManager, idx));
            if (pipeline != null) {
                data = pipeline.transform(data);
            }
            if (targetPipeline != null) {
                labels = targetPipeline.transform(labels);
            }
            if (device != null) {
                data = data.toDevice(device, false);
                labels = labels.toDevice(device, false);
            }
            return new Batch(
                    batchManager,
                    data,
                    labels,
                    idx.length,
                    dataBatchifier,
                    labelBatchifier,
                    progress,
                    dataset.size(),
                    indices);
        }
    }

    /** Builder for {@link FashionMnist}, in DJL style. */
    public static final class Builder extends BaseBuilder<Builder> {

        private Usage usage = Usage.TRAIN;
        private Path directory;
        private int resolution = IMAGE_SIZE;
        private int subsetSize;
        private long subsetSeed;
        private Crops crops = Crops.NONE;
        private long cropSeed;

        Builder() {}

        /**
         * Cuts R x R patches from images resized to {@link #scaledSide R·256/224} (see the class
         * comment); random ones are drawn from {@code seed}, the epoch and the image's index.
         */
        public Builder optCrops(Crops crops, long seed) {
            this.crops = Objects.requireNonNull(crops);
            this.cropSeed = seed;
            return this;
        }

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * @param usage TRAIN (60,000 examples, the default) or TEST (10,000)
         * @return this builder
         */
        public Builder optUsage(Usage usage) {
            fileNames(usage); // rejects VALIDATION early
            this.usage = usage;
            return this;
        }

        /**
         * @param directory a directory holding the official {@code *.gz} files; when set, no other
         *     location is searched
         * @return this builder
         */
        public Builder optDirectory(Path directory) {
            this.directory = directory;
            return this;
        }

        /**
         * @param resolution side length R of the output images; 28 means no resize
         * @return this builder
         */
        public Builder optResolution(int resolution) {
            if (resolution < 1) {
                throw new IllegalArgumentException("resolution must be positive: " + resolution);
            }
            this.resolution = resolution;
            return this;
        }

        /**
         * Uses a class-balanced subset: {@code n / 10} examples of each class, picked
         * deterministically from {@code seed}.
         *
         * @param n the subset size, a positive multiple of 10
         * @param seed the seed of the pick
         * @return this builder
         */
        public Builder optSubset(int n, long seed) {
            if (n <= 0 || n % NUM_CLASSES != 0) {
                throw new IllegalArgumentException(
                        "Subset size must be a positive multiple of " + NUM_CLASSES + ": " + n);
            }
            this.subsetSize = n;
            this.subsetSeed = seed;
            return this;
        }

        /**
         * @return the dataset; files are read on {@code prepare()} or first use
         */
        public FashionMnist build() {
            return new FashionMnist(this);
        }
    }
}
