package org.alexnet.data.imagenet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.training.dataset.Sampler;
import ai.djl.translate.Batchifier;
import ai.djl.util.Progress;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.alexnet.data.DatasetException;
import org.alexnet.data.EpochShuffleSampler;
import org.alexnet.data.transform.CenterCrop;
import org.alexnet.data.transform.CentralPatch;
import org.alexnet.data.transform.FloatImage;
import org.alexnet.data.transform.PcaLighting;
import org.alexnet.data.transform.RandomCrop;
import org.alexnet.data.transform.RandomFlip;
import org.alexnet.data.transform.TenCrop;

/**
 * ILSVRC-2012 (or any dataset in its layout, see {@link ImageNetLayout}) with the paper's input
 * processing, served by a multi-threaded pipeline.
 *
 * <p>Every image is decoded ({@link ImageDecoder}; libjpeg-turbo where installed, and images at
 * least twice the size needed come out of its DCT at half size), its shorter side
 * scaled to 256 and its central 256 x 256 patch taken; then the per-pixel mean image is subtracted
 * and, depending on the {@link Mode}, a random 224 x 224 patch with a random horizontal flip and PCA
 * lighting (training), the central 224 patch, or the ten test patches is produced. Scaling and the
 * later steps are fused into one pass that interpolates only the pixels of the crop and writes them
 * straight into the batch ({@link CentralPatch}); they give what the standalone transforms of
 * {@code org.alexnet.data.transform} give when chained on the same decoded image (a test checks
 * this).
 *
 * <p>Worker threads build whole batches ahead of the training loop (bounded prefetch). The random
 * draws of image i in epoch e come from a generator seeded by (seed, e, i), so results do not depend
 * on the number of threads or their timing. Unreadable images are skipped, counted and reported
 * once; they never stop an epoch.
 */
public final class ImageNet extends RandomAccessDataset implements AutoCloseable, DatasetStatistics.Images {

    /** The side the shorter side is scaled to, and of the central patch (the paper: 256). */
    public static final int SCALE = 256;
    /** The side of the network's input patches (the paper: 224). */
    public static final int CROP = 224;

    /** What each image becomes. */
    public enum Mode {
        /** A random 224 patch, flipped with probability 1/2, with PCA lighting when configured. */
        TRAIN,
        /** The central 224 patch. */
        CENTER,
        /** The ten test patches (corners, centre and their flips), ten rows per image. */
        TEN_CROP
    }

    private final ImageNetLayout layout;
    private final List<Path> files;
    private final int[] labels;
    private final Mode mode;
    private final int scale;
    private final int crop;
    private final FloatImage mean;
    private final PcaLighting lighting;
    private final float pixelScale;
    private final long seed;
    private final int threads;
    private final int prefetch;
    private final Consumer<String> reporter;
    private final ImageDecoder.Jpeg jpeg;
    private final Set<Path> skipped = ConcurrentHashMap.newKeySet();
    private final AtomicInteger epochCounter = new AtomicInteger();
    private ExecutorService workers;

    private ImageNet(Builder b) {
        super(b);
        layout = b.layout != null ? b.layout : ImageNetLayout.read(b.root, b.maxClasses);
        boolean train = b.usage == Usage.TRAIN;
        List<Path> all = train ? layout.getTrainFiles() : layout.getValidationFiles();
        int[] allLabels = train ? layout.getTrainLabels() : layout.getValidationLabels();
        if (all.isEmpty()) {
            throw new DatasetException(
                    layout.getRoot().resolve(train ? "train" : "val"),
                    "no " + (train ? "training" : "validation") + " images in " + layout.getRoot()
                            + (train ? "" : "/val: add a val folder (see datasets/README.md)"));
        }
        int[] keep = subset(allLabels, layout.getClassCount(), b.subset, b.seed);
        files = new ArrayList<>(keep.length);
        labels = new int[keep.length];
        for (int i = 0; i < keep.length; i++) {
            files.add(all.get(keep[i]));
            labels[i] = allLabels[keep[i]];
        }
        mode = b.mode != null ? b.mode : train ? Mode.TRAIN : Mode.CENTER;
        scale = b.scale;
        crop = b.crop;
        mean = b.mean;
        lighting = b.lighting;
        pixelScale = b.pixelScale;
        seed = b.seed;
        threads = b.threads > 0 ? b.threads : Runtime.getRuntime().availableProcessors();
        prefetch = b.prefetch > 0 ? b.prefetch : Math.max(2, threads);
        reporter = b.reporter;
        jpeg = b.jpeg != null ? b.jpeg : ImageDecoder.Jpeg.fromSystemProperty();
        if (mean != null && (mean.channels() != 3 || mean.height() != scale || mean.width() != scale)) {
            throw new IllegalArgumentException("the mean image must be 3x" + scale + "x" + scale + ", got " + mean);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Indices of a class-balanced subset of n images (0 = all): the same share of every class, chosen
     * with a seeded shuffle, kept in file order.
     */
    private static int[] subset(int[] labels, int classes, int n, long seed) {
        if (n <= 0 || n >= labels.length) {
            int[] all = new int[labels.length];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            return all;
        }
        double share = (double) n / labels.length;
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < labels.length; i++) {
            byClass.get(labels[i]).add(i);
        }
        Random random = new Random(seed);
        TreeSet<Integer> chosen = new TreeSet<>();
        for (List<Integer> members : byClass) {
            Collections.shuffle(members, random);
            int take = (int) Math.max(members.isEmpty() ? 0 : 1, Math.round(members.size() * share));
            chosen.addAll(members.subList(0, Math.min(take, members.size())));
        }
        return chosen.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The per-image generator of image {@code index} in epoch {@code epoch}. */
    static Random random(long seed, int epoch, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + index * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return new Random(z ^ (z >>> 31));
    }

    /** How many rows of the data array each image takes: 10 for {@link Mode#TEN_CROP}, else 1. */
    public int rowsPerImage() {
        return mode == Mode.TEN_CROP ? TenCrop.COUNT : 1;
    }

    /** The shape of one row: (3, crop, crop). */
    public Shape rowShape() {
        return new Shape(3, crop, crop);
    }

    /** Image {@code index} scaled and centre-cropped to 256 x 256, before mean subtraction (0..255). */
    public FloatImage loadCentered(int index) throws IOException {
        return patch(index).toFloatImage();
    }

    /** Image {@code index} decoded, ready to give crops of its central 256 x 256 patch. */
    private CentralPatch patch(int index) throws IOException {
        ImageDecoder.Pixels p = ImageDecoder.readForScale(files.get(index), jpeg, scale);
        return CentralPatch.of(p.bgr(), p.height(), p.width(), p.fullHeight(), p.fullWidth(), scale);
    }

    /**
     * Writes image {@code index} as presented in epoch {@code epoch} into {@code dest} from
     * {@code offset} ({@link #rowsPerImage()} rows of 3 x crop x crop floats).
     *
     * @throws UnreadableImageException when the file cannot be decoded
     */
    public void write(int index, int epoch, float[] dest, int offset) throws IOException {
        CentralPatch patch = patch(index);
        if (mode == Mode.TRAIN) {
            // Same draws in the same order as RandomCrop, RandomFlip, PcaLighting chained.
            Random r = random(seed, epoch, index);
            int[] o = RandomCrop.offset(scale, scale, crop, r);
            boolean flip = RandomFlip.draw(r);
            float[] shift = lighting == null ? null : lighting.shift(lighting.drawAlphas(r));
            patch.writeCrop(o[0], o[1], crop, flip, mean, shift, pixelScale, dest, offset);
        } else if (mode == Mode.CENTER) {
            int[] o = CenterCrop.offset(scale, scale, crop);
            patch.writeCrop(o[0], o[1], crop, false, mean, null, pixelScale, dest, offset);
        } else {
            int[][] corners = TenCrop.offsets(scale, scale, crop);
            int row = 3 * crop * crop;
            for (int k = 0; k < TenCrop.COUNT / 2; k++) {
                patch.writeCrop(
                        corners[k][0], corners[k][1], crop, false, mean, null, pixelScale, dest, offset + k * row);
            }
            // The last five are the first five mirrored.
            for (int k = TenCrop.COUNT / 2; k < TenCrop.COUNT; k++) {
                int from = offset + (k - TenCrop.COUNT / 2) * row;
                int to = offset + k * row;
                for (int line = 0; line < 3 * crop; line++) {
                    for (int x = 0; x < crop; x++) {
                        dest[to + line * crop + x] = dest[from + line * crop + crop - 1 - x];
                    }
                }
            }
        }
    }

    /** {@inheritDoc} One image as it would be presented in the first epoch. */
    @Override
    public Record get(NDManager manager, long index) throws IOException {
        int rows = rowsPerImage();
        float[] data = new float[rows * 3 * crop * crop];
        write((int) index, 0, data, 0);
        Shape shape = rows == 1 ? rowShape() : new Shape(rows).addAll(rowShape());
        NDArray x = manager.create(FloatBuffer.wrap(data), shape);
        NDArray y = manager.create(new float[] {labels[(int) index]}).reshape(new Shape());
        return new Record(new NDList(x), new NDList(y));
    }

    @Override
    protected long availableSize() {
        return files.size();
    }

    @Override
    public void prepare(Progress progress) {
        // The file list was read when the dataset was built; images are decoded on demand.
    }

    @Override
    public Iterable<Batch> getData(NDManager manager) {
        return getData(manager, sampler);
    }

    @Override
    public Iterable<Batch> getData(NDManager manager, ExecutorService executorService) {
        return getData(manager, sampler);
    }

    @Override
    public Iterable<Batch> getData(NDManager manager, Sampler batchSampler) {
        return getData(manager, batchSampler, null);
    }

    @Override
    public Iterable<Batch> getData(NDManager manager, Sampler batchSampler, ExecutorService executorService) {
        return () -> {
            int epoch = batchSampler instanceof EpochShuffleSampler
                    ? ((EpochShuffleSampler) batchSampler).getEpoch()
                    : epochCounter.getAndIncrement();
            return new Loader(manager, batchSampler.sample(this), epoch, batchSampler.getBatchSize());
        };
    }

    private synchronized ExecutorService workers() {
        if (workers == null) {
            AtomicInteger n = new AtomicInteger();
            workers = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "imagenet-loader-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        return workers;
    }

    /** Stops the worker threads (they are daemons, so forgetting this does not keep the JVM alive). */
    @Override
    public synchronized void close() {
        if (workers != null) {
            workers.shutdownNow();
            workers = null;
        }
    }

    /** A batch built on the host by a worker. */
    private static final class HostBatch {
        final float[] data;
        final float[] labels;
        final int count;

        HostBatch(float[] data, float[] labels, int count) {
            this.data = data;
            this.labels = labels;
            this.count = count;
        }
    }

    /** One epoch's batches, built ahead by the worker threads. */
    private final class Loader implements Iterator<Batch> {
        private final NDManager manager;
        private final Iterator<List<Long>> indices;
        private final int epoch;
        private final int rowFloats = 3 * crop * crop * rowsPerImage();
        private final ArrayDeque<Future<HostBatch>> pending = new ArrayDeque<>();
        private final BlockingQueue<float[]> buffers;
        private final long total;
        private long done;
        private Batch next;

        Loader(NDManager manager, Iterator<List<Long>> indices, int epoch, int batchSize) {
            this.manager = manager;
            this.indices = indices;
            this.epoch = epoch;
            this.buffers = new ArrayBlockingQueue<>(prefetch + 1);
            this.total = (size() + batchSize - 1) / batchSize;
            fill();
        }

        private void fill() {
            while (pending.size() < prefetch && indices.hasNext()) {
                List<Long> batch = indices.next();
                pending.add(workers().submit(() -> build(batch)));
            }
        }

        private HostBatch build(List<Long> batch) throws InterruptedException {
            int need = batch.size() * rowFloats;
            float[] data = buffers.poll();
            if (data == null || data.length < need) {
                data = new float[need];
            }
            float[] y = new float[batch.size()];
            int count = 0;
            for (long index : batch) {
                int i = (int) index;
                try {
                    write(i, epoch, data, count * rowFloats);
                    y[count++] = labels[i];
                } catch (IOException e) {
                    if (skipped.add(files.get(i)) && reporter != null) {
                        reporter.accept("skipped an unreadable image: " + e.getMessage());
                    }
                }
            }
            return new HostBatch(data, Arrays.copyOf(y, count), count);
        }

        @Override
        public boolean hasNext() {
            while (next == null && !pending.isEmpty()) {
                HostBatch host;
                try {
                    host = pending.poll().get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while loading images", e);
                } catch (ExecutionException e) {
                    throw new IllegalStateException("loading images failed: " + e.getCause(), e.getCause());
                }
                fill();
                done++;
                if (host.count > 0) {
                    next = toBatch(host);
                }
                buffers.offer(host.data);
            }
            return next != null;
        }

        private Batch toBatch(HostBatch host) {
            NDManager batchManager = manager.newSubManager();
            int rows = host.count * rowsPerImage();
            NDArray x = batchManager.create(
                    FloatBuffer.wrap(host.data, 0, host.count * rowFloats), new Shape(rows).addAll(rowShape()));
            NDArray y = batchManager.create(host.labels);
            return new Batch(
                    batchManager,
                    new NDList(x),
                    new NDList(y),
                    host.count,
                    Batchifier.STACK,
                    Batchifier.STACK,
                    done,
                    total);
        }

        @Override
        public Batch next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Batch b = next;
            next = null;
            return b;
        }
    }

    /** The batch sampler set with {@code setSampling}. */
    public Sampler getSampler() {
        return sampler;
    }

    @Override
    public Path getRoot() {
        return layout.getRoot();
    }

    public ImageNetLayout getLayout() {
        return layout;
    }

    public Mode getMode() {
        return mode;
    }

    /** The JPEG decoder this dataset uses. */
    public ImageDecoder.Jpeg getJpegDecoder() {
        return jpeg;
    }

    /** The class index of image {@code index}. */
    public int getLabel(int index) {
        return labels[index];
    }

    /** The file of image {@code index}. */
    public Path getFile(int index) {
        return files.get(index);
    }

    /** How many distinct files were found unreadable so far. */
    public int getSkippedCount() {
        return skipped.size();
    }

    /** The files found unreadable so far. */
    public Set<Path> getSkipped() {
        return Set.copyOf(skipped);
    }

    public int getClassCount() {
        return layout.getClassCount();
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "ImageNet(%d images, %d classes, %s, %d threads)",
                files.size(),
                layout.getClassCount(),
                mode,
                threads);
    }

    /** Builder for {@link ImageNet}. */
    public static final class Builder extends BaseBuilder<Builder> {
        private Path root;
        private ImageNetLayout layout;
        private int maxClasses;
        private Usage usage = Usage.TRAIN;
        private Mode mode;
        private int scale = SCALE;
        private int crop = CROP;
        private FloatImage mean;
        private PcaLighting lighting;
        private float pixelScale = 1f;
        private long seed = 42;
        private int subset;
        private int threads;
        private int prefetch;
        private Consumer<String> reporter;
        private ImageDecoder.Jpeg jpeg;

        @Override
        protected Builder self() {
            return this;
        }

        /** The dataset root holding train/ and val/. */
        public Builder setRoot(Path root) {
            this.root = root;
            return this;
        }

        /** An already parsed layout (saves listing the folders again for the second split). */
        public Builder setLayout(ImageNetLayout layout) {
            this.layout = layout;
            return this;
        }

        /** Keep only the first N classes (sorted wnids); 0 = all. */
        public Builder optMaxClasses(int maxClasses) {
            this.maxClasses = maxClasses;
            return this;
        }

        /** TRAIN reads train/, anything else val/. */
        public Builder optUsage(Usage usage) {
            this.usage = usage;
            return this;
        }

        /** What each image becomes (default: TRAIN for the training split, CENTER otherwise). */
        public Builder optMode(Mode mode) {
            this.mode = mode;
            return this;
        }

        /** The scaled size and the crop size (the paper: 256 and 224). */
        public Builder optSizes(int scale, int crop) {
            if (crop > scale || crop < 1) {
                throw new IllegalArgumentException("need 1 <= crop <= scale, got crop " + crop + ", scale " + scale);
            }
            this.scale = scale;
            this.crop = crop;
            return this;
        }

        /** The per-pixel mean image to subtract (3 x scale x scale); none by default. */
        public Builder optMean(FloatImage mean) {
            this.mean = mean;
            return this;
        }

        /** PCA lighting for the TRAIN mode; none by default. */
        public Builder optLighting(PcaLighting lighting) {
            this.lighting = lighting;
            return this;
        }

        /**
         * Multiplies the final values (default 1: the paper's 0..255 scale, which its N(0, 0.01)
         * initialisation expects; 1/255 suits DJL's default initialisation).
         */
        public Builder optPixelScale(float scale) {
            this.pixelScale = scale;
            return this;
        }

        /** The mean image and lighting of {@code statistics}. */
        public Builder optStatistics(DatasetStatistics statistics, boolean lighting) {
            this.mean = statistics.getMean();
            this.lighting = lighting ? statistics.lighting(PcaLighting.PAPER_STD, seed) : null;
            return this;
        }

        /** Seed of the augmentation draws and the subset choice. */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** A class-balanced subset of about n images; 0 = all. */
        public Builder optSubset(int n) {
            this.subset = n;
            return this;
        }

        /** Decoding threads (default: all cores). */
        public Builder optThreads(int threads) {
            this.threads = threads;
            return this;
        }

        /** Batches built ahead (default: max(2, threads)). */
        public Builder optPrefetch(int prefetch) {
            this.prefetch = prefetch;
            return this;
        }

        /** Receives one line per unreadable image, the first time it is met. */
        public Builder optReporter(Consumer<String> reporter) {
            this.reporter = reporter;
            return this;
        }

        /**
         * The JPEG decoder (default: the system property {@code alexnet.jpeg}, else libjpeg-turbo
         * when installed, ImageIO otherwise; see {@link ImageDecoder}).
         */
        public Builder optJpegDecoder(ImageDecoder.Jpeg jpeg) {
            this.jpeg = jpeg;
            return this;
        }

        public ImageNet build() {
            if (root == null && layout == null) {
                throw new IllegalArgumentException("set the dataset root (setRoot)");
            }
            if (sampler == null) {
                throw new IllegalArgumentException("set the sampling (setSampling)");
            }
            return new ImageNet(this);
        }
    }
}
