package org.alexnet.bench;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.tracker.Tracker;
import java.awt.image.BufferedImage;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.alexnet.data.EpochShuffleSampler;
import org.alexnet.data.imagenet.DatasetStatistics;
import org.alexnet.data.imagenet.ImageDecoder;
import org.alexnet.data.imagenet.ImageNet;
import org.alexnet.data.transform.CentralPatch;
import org.alexnet.data.transform.FloatImage;
import org.alexnet.data.transform.Images;
import org.alexnet.data.transform.PcaLighting;
import org.alexnet.engine.Engines;
import org.alexnet.model.ModelSpec;
import org.alexnet.train.PaperSgd;
import org.alexnet.train.Preset;
import org.alexnet.train.Recipe;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Throughput of the ImageNet input pipeline (decode, scale to 256, centre 256, mean image, random 224
 * crop, flip, PCA lighting) on a folder of JPEGs in the ILSVRC layout, next to the training
 * throughput of the paper's network fed by it. A benchmark, not a test; {@code
 * scripts/pipeline-benchmark.sh} runs it and the Python peer (torchvision + PIL) on the same files.
 *
 * <pre>
 * java [-Dalexnet.jpeg=auto|turbo|imageio] -cp alexnet-benchmarks-bench.jar:alexnet-toolkit-all.jar \
 *     org.alexnet.bench.PipelineBenchmark --dir DIR [--seconds 10] [--threads N] [--train-steps 3] [--batch 32] [--engine MXNet] [--single-only]
 * </pre>
 *
 * <p>Prints machine-readable lines: {@code decoder: ...} (the JPEG decoder in use), {@code toolkit
 * images_per_second_per_core=...} for one decoding thread (wall clock, thread CPU time and the whole
 * JVM's CPU time, as the peer's process time), {@code toolkit-threads ...} for 1..N threads each
 * running the pipeline, {@code toolkit-loader ...} for the multi-threaded loader producing batches,
 * and {@code toolkit-train ...} for training steps fed by the loader. Each line ends with the
 * machine's 1-minute load average. {@code --single-only} stops after the one-thread measurement.
 */
public final class PipelineBenchmark {

    /** The optimiser's numbers for the training steps: the paper's recipe. */
    static final Recipe RECIPE = Preset.PAPER.recipe();

    private PipelineBenchmark() {}

    /** The command line: each flag once, with its help and default. */
    @Command(
            name = "PipelineBenchmark",
            sortOptions = false,
            description = "Throughput of the ImageNet input pipeline and of training fed by it (docs/benchmarks.md).")
    static final class Options implements Callable<Integer> {

        @Option(
                names = {"-h", "--help"},
                usageHelp = true,
                description = "this help")
        boolean help;

        @Option(
                names = "--dir",
                required = true,
                paramLabel = "DIR",
                description = "a folder with train/<class>/*.JPEG (the ILSVRC layout)")
        Path dir;

        @Option(names = "--seconds", paramLabel = "S", description = "per measurement (default: ${DEFAULT-VALUE})")
        double seconds = 10;

        @Option(
                names = "--threads",
                paramLabel = "N",
                description = "up to N pipeline threads (default: the cores," + " ${DEFAULT-VALUE})")
        int threads = Runtime.getRuntime().availableProcessors();

        @Option(
                names = "--train-steps",
                paramLabel = "N",
                description = "training steps fed by the loader, 0 = none" + " (default: ${DEFAULT-VALUE})")
        int trainSteps = 3;

        @Option(
                names = "--batch",
                paramLabel = "N",
                description = "loader and training batch (default: ${DEFAULT-VALUE})")
        int batch = 32;

        @Option(
                names = "--engine",
                paramLabel = "NAME",
                description = "training engine, chosen as the command line" + " chooses it (default: ${DEFAULT-VALUE})")
        String engine = Engines.DEFAULT;

        @Option(names = "--single-only", description = "stop after the one-thread measurement")
        boolean singleOnly;

        @Option(
                names = "--resampling",
                description = "instead: compare the central 256 patches of libjpeg-turbo" + " and ImageIO")
        boolean resampling;

        @Option(names = "--patches", paramLabel = "OUT", description = "with --resampling: write the patches here")
        Path patches;

        @Override
        public Integer call() throws Exception {
            if (seconds <= 0 || threads < 1 || trainSteps < 0 || batch < 1) {
                throw new IllegalArgumentException(
                        "--seconds, --threads and --batch must be positive, --train-steps" + " at least 0");
            }
            run(dir, seconds, threads, trainSteps, batch, engine, singleOnly, resampling, patches);
            return 0;
        }
    }

    public static void main(String[] args) {
        CommandLine cl = TrainingBenchmark.oneLineErrors(new CommandLine(new Options()));
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof EngineException || e instanceof IllegalArgumentException) {
                line.getErr().println("PipelineBenchmark: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        System.exit(cl.execute(args));
    }

    static void run(
            Path dir,
            double seconds,
            int threads,
            int trainSteps,
            int batch,
            String engine,
            boolean singleOnly,
            boolean resampling,
            Path patches)
            throws Exception {
        System.out.printf(
                Locale.ROOT,
                "machine: %d cores, %s, Java %s%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.arch"),
                System.getProperty("java.version"));
        if (resampling) {
            resampling(dir, patches);
            return;
        }
        engine = Engines.select(engine).getEngineName(); // the command line's engine rule and messages
        ImageDecoder.Jpeg jpeg = ImageDecoder.Jpeg.fromSystemProperty();
        String decoder = ImageDecoder.describe(jpeg);
        System.out.println("decoder: " + decoder);
        String decoderTag = decoder.startsWith("libjpeg-turbo") ? "turbo" : "imageio";

        ImageNet plain = ImageNet.builder()
                .setRoot(dir)
                .optMode(ImageNet.Mode.CENTER)
                .setSampling(EpochShuffleSampler.sequential(1))
                .build();
        DatasetStatistics stats = DatasetStatistics.compute(plain, 0, 1, null);
        ImageNet train = ImageNet.builder()
                .setRoot(dir)
                .optStatistics(stats, true)
                .optThreads(1)
                .setSampling(new EpochShuffleSampler(batch, 1))
                .build();
        int n = (int) train.size();
        float[] buffer = new float[3 * ImageNet.CROP * ImageNet.CROP];

        // One thread, as the peer: a warm-up pass (JIT, page cache), then timed passes.
        for (int i = 0; i < n; i++) {
            train.write(i, 0, buffer, 0);
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long cpu0 = mx.getCurrentThreadCpuTime();
        long process0 = processCpuNanos();
        long t0 = System.nanoTime();
        long images = 0;
        int epoch = 1;
        while ((System.nanoTime() - t0) / 1e9 < seconds) {
            for (int i = 0; i < n && (System.nanoTime() - t0) / 1e9 < seconds; i++) {
                train.write(i, epoch, buffer, 0);
                images++;
            }
            epoch++;
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        double cpu = (mx.getCurrentThreadCpuTime() - cpu0) / 1e9;
        double process = (processCpuNanos() - process0) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "toolkit images_per_second_per_core=%.1f images=%d seconds=%.2f cpu_seconds=%.2f "
                        + "images_per_cpu_second=%.1f process_cpu_seconds=%.2f images_per_process_cpu_second=%.1f threads=1 "
                        + "files=%d decoder=%s load1=%.2f%n",
                images / wall,
                images,
                wall,
                cpu,
                images / cpu,
                process,
                images / process,
                n,
                decoderTag,
                load());
        stages(train, stats, jpeg, decoderTag);
        if (singleOnly) {
            train.close();
            plain.close();
            return;
        }

        // 1..N threads, each running the pipeline on its own share of the images: how it scales.
        for (int t = 1; t <= threads; t++) {
            scaling(train, t, seconds, decoderTag);
        }

        // The loader with all its threads, building batches as training would receive them.
        ImageNet loaderSet = ImageNet.builder()
                .setRoot(dir)
                .optStatistics(stats, true)
                .optThreads(threads)
                .setSampling(new EpochShuffleSampler(batch, 1))
                .build();
        try (NDManager manager = NDManager.newBaseManager(engine)) {
            long loaded = 0;
            long s0 = System.nanoTime();
            int passes = 0;
            while ((System.nanoTime() - s0) / 1e9 < seconds || passes == 0) {
                for (Batch b : loaderSet.getData(manager)) {
                    loaded += b.getSize();
                    b.close();
                }
                passes++;
            }
            double lw = (System.nanoTime() - s0) / 1e9;
            System.out.printf(
                    Locale.ROOT,
                    "toolkit-loader images_per_second=%.1f threads=%d batch=%d images=%d seconds=%.2f "
                            + "decoder=%s load1=%.2f%n",
                    loaded / lw,
                    threads,
                    batch,
                    loaded,
                    lw,
                    decoderTag,
                    load());
        }
        loaderSet.close();

        if (trainSteps > 0) {
            ModelSpec spec = ModelSpec.of(ModelSpec.Variant.ALEXNET, train.getClassCount(), 3);
            Shape input = new Shape(batch, 3, ImageNet.CROP, ImageNet.CROP);
            ImageNet fed = ImageNet.builder()
                    .setRoot(dir)
                    .optStatistics(stats, true)
                    .optThreads(threads)
                    .setSampling(new EpochShuffleSampler(batch, 2, true))
                    .build();
            try (Model model = Model.newInstance("bench", (Device) null, engine);
                    PaperSgd sgd = PaperSgd.builder()
                            .setLearningRateTracker(Tracker.fixed(RECIPE.getLearningRate()))
                            .optMomentum(RECIPE.getMomentum())
                            .optWeightDecays(RECIPE.getWeightDecay())
                            .build()) {
                model.setBlock(spec.build());
                DefaultTrainingConfig config =
                        new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()).optOptimizer(sgd);
                try (Trainer trainer = model.newTrainer(config)) {
                    trainer.initialize(input);
                    int step = 0;
                    long start = 0;
                    long trained = 0;
                    outer:
                    while (true) {
                        for (Batch b : trainer.iterateDataset(fed)) {
                            try (b) {
                                if (step == 1) {
                                    start = System.nanoTime(); // the first step warms up
                                }
                                EasyTrain.trainBatch(trainer, b);
                                trainer.step();
                                if (step >= 1) {
                                    trained += b.getSize();
                                }
                                if (++step > trainSteps) {
                                    break outer;
                                }
                            }
                        }
                    }
                    double tw = (System.nanoTime() - start) / 1e9;
                    Engine e = Engines.select(engine);
                    System.out.printf(
                            Locale.ROOT,
                            "toolkit-train images_per_second=%.1f model=alexnet-paper engine=%s %s batch=%d steps=%d "
                                    + "load1=%.2f%n",
                            trained / tw,
                            e.getEngineName(),
                            e.getVersion(),
                            batch,
                            trainSteps,
                            load());
                }
            }
            fed.close();
        }
        System.out.println("statistics: " + stats.describeSource() + "; "
                + new PcaLighting(
                        toFloat(stats.getEigenvalues()),
                        new float[][] {
                            toFloat(stats.getEigenvectors()[0]),
                            toFloat(stats.getEigenvectors()[1]),
                            toFloat(stats.getEigenvectors()[2])
                        },
                        0.1,
                        255f,
                        0));
        train.close();
        plain.close();
    }

    /**
     * Where one image's time goes, per stage, over two passes of the corpus in this thread: reading
     * the file, decoding it whole, and the fused pass (interpolating the crop from the central 256
     * patch, mean, flip, lighting). The pipeline decodes into a reused buffer and, for images at least
     * twice the size needed, at half size; here each stage is timed alone.
     */
    private static void stages(ImageNet data, DatasetStatistics stats, ImageDecoder.Jpeg jpeg, String decoderTag)
            throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        PcaLighting lighting = stats.lighting(PcaLighting.PAPER_STD, 1);
        float[] dest = new float[3 * ImageNet.CROP * ImageNet.CROP];
        long read = 0;
        long decode = 0;
        long crop = 0;
        int n = (int) data.size();
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < n; i++) {
                long c0 = mx.getCurrentThreadCpuTime();
                byte[] bytes = Files.readAllBytes(data.getFile(i));
                long c1 = mx.getCurrentThreadCpuTime();
                BufferedImage image = ImageDecoder.decode(bytes, data.getFile(i).toString(), jpeg);
                long c2 = mx.getCurrentThreadCpuTime();
                Random r = new Random(i);
                CentralPatch.of(image, ImageNet.SCALE)
                        .writeCrop(
                                r.nextInt(33),
                                r.nextInt(33),
                                ImageNet.CROP,
                                r.nextBoolean(),
                                stats.getMean(),
                                lighting.shift(lighting.drawAlphas(r)),
                                1f,
                                dest,
                                0);
                long c3 = mx.getCurrentThreadCpuTime();
                read += c1 - c0;
                decode += c2 - c1;
                crop += c3 - c2;
            }
        }
        System.out.printf(
                Locale.ROOT,
                "toolkit-stages read_ms=%.3f decode_ms=%.3f crop_ms=%.3f decoder=%s load1=%.2f%n",
                read / 2e6 / n,
                decode / 2e6 / n,
                crop / 2e6 / n,
                decoderTag,
                load());
    }

    /**
     * How the central 256 patches of the pipeline with libjpeg-turbo differ from those with ImageIO,
     * image by image: the decoders themselves, and the half-size DCT decoding of large images in
     * place of 2 x 2 averaging. With {@code patches}, both are written there as PNGs (NAME.turbo.png,
     * NAME.imageio.png) for {@code datasets/bench/resampling_reference.py}.
     */
    private static void resampling(Path dir, Path patches) throws Exception {
        System.out.println("decoder: " + ImageDecoder.describe(ImageDecoder.Jpeg.TURBO));
        ImageNet turbo = ImageNet.builder()
                .setRoot(dir)
                .optMode(ImageNet.Mode.CENTER)
                .optJpegDecoder(ImageDecoder.Jpeg.TURBO)
                .setSampling(EpochShuffleSampler.sequential(1))
                .build();
        ImageNet imageIO = ImageNet.builder()
                .setRoot(dir)
                .optMode(ImageNet.Mode.CENTER)
                .optJpegDecoder(ImageDecoder.Jpeg.IMAGEIO)
                .setSampling(EpochShuffleSampler.sequential(1))
                .build();
        if (patches != null) {
            Files.createDirectories(patches);
        }
        double[] sum = new double[2];
        long[] values = new long[2];
        int[] count = new int[2];
        float worst = 0;
        for (int i = 0; i < turbo.size(); i++) {
            Path file = turbo.getFile(i);
            BufferedImage full = ImageDecoder.read(file, ImageDecoder.Jpeg.IMAGEIO);
            int halved = Images.halvings(full.getHeight(), full.getWidth(), ImageNet.SCALE) > 0 ? 1 : 0;
            FloatImage a = turbo.loadCentered(i);
            FloatImage b = imageIO.loadCentered(i);
            double s = 0;
            float max = 0;
            for (int k = 0; k < a.data().length; k++) {
                float d = Math.abs(a.data()[k] - b.data()[k]);
                s += d;
                max = Math.max(max, d);
            }
            sum[halved] += s;
            values[halved] += a.data().length;
            count[halved]++;
            worst = Math.max(worst, max);
            String name = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
            System.out.printf(
                    Locale.ROOT,
                    "resampling file=%s size=%dx%d dct_half_size=%b mean_difference=%.3f max_difference=%.0f%n",
                    name,
                    full.getWidth(),
                    full.getHeight(),
                    halved == 1,
                    s / a.data().length,
                    max);
            if (patches != null) {
                javax.imageio.ImageIO.write(
                        a.toBufferedImage(),
                        "png",
                        patches.resolve(name + ".turbo.png").toFile());
                javax.imageio.ImageIO.write(
                        b.toBufferedImage(),
                        "png",
                        patches.resolve(name + ".imageio.png").toFile());
            }
        }
        // The patch's CPU cost with each decoder on these files: a warm-up pass, then five.
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (ImageNet data : new ImageNet[] {turbo, imageIO}) {
            for (int i = 0; i < data.size(); i++) {
                data.loadCentered(i);
            }
            long cpu0 = mx.getCurrentThreadCpuTime();
            for (int pass = 0; pass < 5; pass++) {
                for (int i = 0; i < data.size(); i++) {
                    data.loadCentered(i);
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "resampling-time decoder=%s cpu_ms_per_image=%.2f load1=%.2f%n",
                    data == turbo ? "turbo" : "imageio",
                    (mx.getCurrentThreadCpuTime() - cpu0) / 1e6 / (5 * data.size()),
                    load());
        }
        System.out.printf(
                Locale.ROOT,
                "resampling-summary full_size_images=%d mean_difference=%.3f dct_half_size_images=%d "
                        + "mean_difference=%.3f max_difference=%.0f%n",
                count[0],
                values[0] == 0 ? 0 : sum[0] / values[0],
                count[1],
                values[1] == 0 ? 0 : sum[1] / values[1],
                worst);
        turbo.close();
        imageIO.close();
    }

    /** {@code t} threads writing training images (each its own interleaved share) for {@code seconds}. */
    private static void scaling(ImageNet data, int t, double seconds, String decoderTag) throws Exception {
        int n = (int) data.size();
        AtomicLong images = new AtomicLong();
        long process0 = processCpuNanos();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        List<Thread> workers = new ArrayList<>();
        List<Exception> failed = new CopyOnWriteArrayList<>();
        for (int k = 0; k < t; k++) {
            int first = k;
            Thread w = new Thread(() -> {
                float[] buffer = new float[3 * ImageNet.CROP * ImageNet.CROP];
                try {
                    for (int epoch = 1; System.nanoTime() < end; epoch++) {
                        for (int i = first; i < n && System.nanoTime() < end; i += t) {
                            data.write(i, epoch, buffer, 0);
                            images.incrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    failed.add(e);
                }
            });
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        if (!failed.isEmpty()) {
            throw failed.get(0);
        }
        double wall = (System.nanoTime() - start) / 1e9;
        double process = (processCpuNanos() - process0) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "toolkit-threads threads=%d images_per_second=%.1f images=%d seconds=%.2f "
                        + "process_cpu_seconds=%.2f images_per_process_cpu_second=%.1f decoder=%s load1=%.2f%n",
                t,
                images.get() / wall,
                images.get(),
                wall,
                process,
                images.get() / process,
                decoderTag,
                load());
    }

    /** The machine's 1-minute load average (other jobs share it). */
    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** CPU time of the whole JVM (the decoding thread plus GC and compiler threads), as the peer's process_time. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static float[] toFloat(double[] d) {
        return new float[] {(float) d[0], (float) d[1], (float) d[2]};
    }
}
