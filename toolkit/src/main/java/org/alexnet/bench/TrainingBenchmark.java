package org.alexnet.bench;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.DataIterable;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.training.dataset.Sampler;
import ai.djl.training.loss.Loss;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import ai.djl.util.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import org.alexnet.data.EpochShuffleSampler;
import org.alexnet.data.FashionMnist;
import org.alexnet.model.AlexNet;
import org.alexnet.train.PaperSgd;
import org.alexnet.train.ProgressListener;
import org.alexnet.train.Recipe;
import org.alexnet.train.Training;

/**
 * Training throughput of AlexNet at batch 128, 224x224, on every engine: the toolkit's loop
 * ({@link Training#fit()}) against a bare DJL loop on the same model and optimiser, plus the
 * throughput of data loading alone. A benchmark, not a test: run it with
 *
 * <pre>
 * java -Xmx8g -cp target/classes:$(cat /tmp/cp-bench.txt) org.alexnet.bench.TrainingBenchmark \
 *     [--steps 5] [--warmup 1] [--engines MXNet,PyTorch] [--models d2l,paper] [--rounds 1] [--diagnose]
 * </pre>
 *
 * <p>Models: {@code d2l} is {@link AlexNet#fashionMnist()} (1x224x224, 10 classes) on real
 * Fashion-MNIST resized to 224 by {@link FashionMnist}; {@code paper} is {@link AlexNet#paper()}
 * (3x224x224, 1000 classes) on synthetic random images held in memory (there is no ImageNet here).
 *
 * <p>Loops, each with {@code warmup} unmeasured steps followed by {@code steps} measured ones:
 *
 * <ul>
 *   <li>bare: one pre-made batch; per step forward, loss, backward in a gradient collector,
 *       {@code trainer.step()} with {@link PaperSgd}, and one host sync (the loss value);
 *   <li>toolkit: {@code Training.builder()...build().fit()} for one epoch over exactly
 *       {@code warmup + steps} batches and a tiny validation set, timed from the
 *       {@link ProgressListener#onBatch} timestamps (validation is not timed);
 *   <li>data: iterating the training dataset alone, one element read per batch so the batch is
 *       really built.
 * </ul>
 *
 * <p>{@code --rounds N} repeats the bare/toolkit pair with alternating order and pools the steps;
 * {@code --diagnose} adds the bare loop on fresh batches and the toolkit on a cached batch, to tell
 * data loading from the toolkit's own per-batch work. Results and their reading: docs/benchmarks.md.
 */
public final class TrainingBenchmark {

    static final int BATCH = 128;
    static final int RESOLUTION = 224;
    static final int D2L_EPOCH_IMAGES = 60_000;
    static final long SEED = 42;
    /** Distinct synthetic images kept in memory (indices wrap around): 256 x 3x224x224 floats = 154 MB. */
    static final int SYNTHETIC_POOL = 256;
    static final int VALIDATION_IMAGES = 16;
    static final int MIN_DATA_BATCHES = 10;

    /** The two networks measured. */
    enum Kind {
        D2L("d2l", 1, 10, "AlexNet.fashionMnist(), real Fashion-MNIST resized to 224"),
        PAPER("paper", 3, 1000, "AlexNet.paper(), SYNTHETIC random images (no ImageNet here)");

        final String id;
        final int channels;
        final int classes;
        final String description;

        Kind(String id, int channels, int classes, String description) {
            this.id = id;
            this.channels = channels;
            this.classes = classes;
            this.description = description;
        }

        static Kind parse(String s) {
            for (Kind k : values()) {
                if (k.id.equalsIgnoreCase(s.trim())) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown model '" + s + "': use d2l or paper");
        }

        Block newBlock() {
            return this == D2L ? AlexNet.fashionMnist() : AlexNet.paper();
        }

        Shape inputShape() {
            return new Shape(channels, RESOLUTION, RESOLUTION);
        }
    }

    /** One timed run: timestamps (ns) after each step, index 0 = after the first warm-up step. */
    record Run(long[] stamps, long[] cpu, int warmup) {

        /** Process CPU time (all threads, user + system) of the measured steps, in seconds. */
        double cpuSeconds() {
            return (cpu[cpu.length - 1] - cpu[warmup - 1]) / (double) CLOCK_TICKS;
        }

        double seconds() {
            return (stamps[stamps.length - 1] - stamps[warmup - 1]) / 1e9;
        }

        int measured() {
            return stamps.length - warmup;
        }

        double[] stepSeconds() {
            double[] d = new double[measured()];
            for (int i = 0; i < d.length; i++) {
                d[i] = (stamps[warmup + i] - stamps[warmup + i - 1]) / 1e9;
            }
            return d;
        }

        double imagesPerSecond() {
            return measured() * (double) BATCH / seconds();
        }
    }

    /** One or more runs (rounds) of a loop: throughput = all measured images / all measured time. */
    record Timing(List<Run> runs) {

        Timing(Run run) {
            this(List.of(run));
        }

        double imagesPerSecond() {
            double images = 0;
            double seconds = 0;
            for (Run r : runs) {
                images += r.measured() * (double) BATCH;
                seconds += r.seconds();
            }
            return images / seconds;
        }

        double minStep() {
            return Arrays.stream(stepSeconds()).min().orElse(Double.NaN);
        }

        /** Process CPU seconds per measured step (2 cores fully used = 2 x the wall time). */
        double cpuPerStep() {
            return runs.stream().mapToDouble(Run::cpuSeconds).sum() / runs.stream().mapToInt(Run::measured).sum();
        }

        double[] stepSeconds() {
            return runs.stream().flatMapToDouble(r -> Arrays.stream(r.stepSeconds())).toArray();
        }

        double medianStep() {
            double[] d = stepSeconds();
            Arrays.sort(d);
            int n = d.length;
            return n % 2 == 1 ? d[n / 2] : (d[n / 2 - 1] + d[n / 2]) / 2;
        }

        String describeSteps() {
            StringBuilder sb = new StringBuilder();
            for (Run r : runs) {
                sb.append(sb.length() == 0 ? "" : " | ");
                StringBuilder one = new StringBuilder();
                for (double d : r.stepSeconds()) {
                    one.append(one.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.2f", d));
                }
                sb.append(one);
            }
            return sb.toString();
        }
    }

    /** The loops measured; the last two only with {@code --diagnose}. */
    enum Loop {
        BARE("bare"),
        TOOLKIT("toolkit"),
        /** The bare loop taking a fresh batch from the dataset every step, as the toolkit does. */
        BARE_FRESH_DATA("bare + fresh batches"),
        /** The toolkit's loop fed copies of one pre-made batch (no data loading). */
        TOOLKIT_CACHED_BATCH("toolkit on a cached batch");

        final String label;

        Loop(String label) {
            this.label = label;
        }
    }

    record Result(Kind kind, String engine, Map<Loop, Timing> loops, Timing data, double bareLoss,
            double toolkitLoss) {

        Timing bare() {
            return loops.get(Loop.BARE);
        }

        Timing toolkit() {
            return loops.get(Loop.TOOLKIT);
        }

        double ratio() {
            return toolkit().imagesPerSecond() / bare().imagesPerSecond();
        }

        double medianRatio() {
            return bare().medianStep() / toolkit().medianStep();
        }

        /** Fastest measured step of bare over fastest of toolkit: interference only ever adds time. */
        double fastestRatio() {
            return bare().minStep() / toolkit().minStep();
        }

        /** Process CPU seconds per step, bare over toolkit. */
        double cpuRatio() {
            return bare().cpuPerStep() / toolkit().cpuPerStep();
        }
    }

    private final int steps;
    private final int warmup;
    private final List<String> engines;
    private final List<Kind> kinds;
    private final int rounds;
    private final boolean diagnose;
    private float[] syntheticPool;

    TrainingBenchmark(int steps, int warmup, List<String> engines, List<Kind> kinds, int rounds, boolean diagnose) {
        this.rounds = rounds;
        this.diagnose = diagnose;
        this.steps = steps;
        this.warmup = warmup;
        this.engines = engines;
        this.kinds = kinds;
    }

    public static void main(String[] args) throws Exception {
        int steps = 5;
        int warmup = 1;
        List<String> engines = List.of("MXNet", "PyTorch");
        List<Kind> kinds = List.of(Kind.D2L, Kind.PAPER);
        int rounds = 1;
        boolean diagnose = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--diagnose")) {
                diagnose = true;
                continue;
            }
            if (a.equals("--help") || a.equals("-h")) {
                System.out.println("usage: TrainingBenchmark [--steps N (5)] [--warmup N (1)]"
                        + " [--engines MXNet,PyTorch] [--models d2l,paper] [--rounds N (1)] [--diagnose]");
                System.out.println("  --rounds N repeats the bare/toolkit pair N times per configuration, alternating"
                        + " which loop goes first, and pools the measured steps");
                System.out.println("  --diagnose also times the bare loop on fresh batches and the toolkit on a cached"
                        + " batch, to tell data loading from the toolkit's own per-batch work");
                return;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--steps":
                    steps = Integer.parseInt(v);
                    break;
                case "--warmup":
                    warmup = Integer.parseInt(v);
                    break;
                case "--engines":
                    engines = new ArrayList<>();
                    for (String e : v.split(",")) {
                        engines.add(canonicalEngine(e.trim()));
                    }
                    break;
                case "--rounds":
                    rounds = Integer.parseInt(v);
                    break;
                case "--models":
                    kinds = new ArrayList<>();
                    for (String m : v.split(",")) {
                        kinds.add(Kind.parse(m));
                    }
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + a
                            + ": use --steps, --warmup, --engines, --models, --rounds, --diagnose");
            }
        }
        if (steps < 1 || warmup < 1 || rounds < 1) {
            throw new IllegalArgumentException("--steps, --warmup and --rounds must be at least 1");
        }
        new TrainingBenchmark(steps, warmup, engines, kinds, rounds, diagnose).run();
    }

    static String canonicalEngine(String name) {
        for (String e : Engine.getAllEngines()) {
            if (e.equalsIgnoreCase(name)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown engine '" + name + "': available are " + Engine.getAllEngines());
    }

    void run() throws IOException, TranslateException {
        System.out.println("== AlexNet training throughput, batch " + BATCH + ", " + RESOLUTION + "x" + RESOLUTION
                + ", CPU ==");
        printMachine();
        System.out.printf(Locale.ROOT, "steps: %d warm-up + %d measured per loop, %d round(s) per configuration;"
                        + " data-only: %d warm-up + %d measured batches%n",
                warmup, steps, rounds, warmup, Math.max(steps, MIN_DATA_BATCHES));
        for (Kind k : kinds) {
            System.out.println("model " + k.id + ": " + k.description);
        }
        System.out.println();

        List<Result> results = new ArrayList<>();
        for (String engine : engines) {
            for (Kind kind : kinds) {
                System.out.printf(Locale.ROOT, "-- %s / %s (load average before: %s)%n", kind.id, engine, loadAverage());
                Result r = measure(kind, engine);
                results.add(r);
                System.out.printf(Locale.ROOT, "   data-only: %8.1f img/s   per batch %.3f s%n",
                        r.data().imagesPerSecond(), BATCH / r.data().imagesPerSecond());
                for (Loop loop : Loop.values()) {
                    Timing t = r.loops().get(loop);
                    if (t != null) {
                        System.out.printf(Locale.ROOT,
                                "   %-25s: %7.2f img/s = %.3fx bare (median step %.3fx, fastest step %.3fx);"
                                        + " CPU %.2f s/step; step s: %s%n",
                                loop.label, t.imagesPerSecond(), t.imagesPerSecond() / r.bare().imagesPerSecond(),
                                r.bare().medianStep() / t.medianStep(), r.bare().minStep() / t.minStep(),
                                t.cpuPerStep(), t.describeSteps());
                    }
                }
                System.out.printf(Locale.ROOT, "   loss: bare %.4f after its last step on one batch; toolkit %.4f over its epoch%n%n",
                        r.bareLoss(), r.toolkitLoss());
                System.gc();
            }
        }

        System.out.println("== Results (images/s, higher is better) ==");
        String header = String.format(Locale.ROOT, "| %-5s | %-7s | %9s | %9s | %8s | %8s | %8s | %8s | %9s |",
                "model", "engine", "bare", "toolkit", "ratio", "median", "fastest", "CPU", "data-only");
        System.out.println(header);
        System.out.println(header.replaceAll("[^|]", "-"));
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "| %-5s | %-7s | %9.2f | %9.2f | %8.3f | %8.3f | %8.3f | %8.3f | %9.1f |%n",
                    r.kind().id, r.engine(), r.bare().imagesPerSecond(), r.toolkit().imagesPerSecond(),
                    r.ratio(), r.medianRatio(), r.fastestRatio(), r.cpuRatio(), r.data().imagesPerSecond());
        }
        System.out.println("bare, toolkit, data-only: img/s over all measured steps (wall clock). ratio = toolkit/bare"
                + " img/s; median / fastest = bare step time / toolkit step time (median, fastest step);"
                + " CPU = bare / toolkit process CPU seconds per step.");
        System.out.println();
        System.out.println("data-only: d2l = FashionMnist TRAIN at 224 (bulk copy + batched bilinear resize on the engine);"
                + " paper = the synthetic in-memory dataset.");
        System.out.println();

        boolean anyD2l = false;
        for (Result r : results) {
            if (r.kind() == Kind.D2L) {
                if (!anyD2l) {
                    System.out.println("== Projected d2l epoch (60,000 images at 224, batch 128 = 469 batches), training only ==");
                    anyD2l = true;
                }
                double s = D2L_EPOCH_IMAGES / r.toolkit().imagesPerSecond();
                double quiet = D2L_EPOCH_IMAGES / (BATCH / r.toolkit().minStep());
                System.out.printf(Locale.ROOT,
                        "%-7s: %s per epoch at the toolkit's measured %.2f img/s (bare loop: %s); 10 epochs: %s;"
                                + " at the toolkit's fastest step (%.2f s, quiet machine): %s per epoch%n",
                        r.engine(), hms(s), r.toolkit().imagesPerSecond(),
                        hms(D2L_EPOCH_IMAGES / r.bare().imagesPerSecond()), hms(10 * s), r.toolkit().minStep(),
                        hms(quiet));
            }
        }
        if (anyD2l) {
            System.out.println("(validation on the 10,000 test images, forward only, comes on top of this)");
            System.out.println();
        }

        System.out.println("== Reading ==");
        for (Result r : results) {
            double bareBatch = BATCH / r.bare().imagesPerSecond();
            double toolkitBatch = BATCH / r.toolkit().imagesPerSecond();
            double dataBatch = BATCH / r.data().imagesPerSecond();
            System.out.printf(Locale.ROOT,
                    "%s/%s: toolkit/bare %.3f over all steps (%s 0.95), %.3f on the fastest steps (%s 0.95);"
                            + " per batch bare %.2f s, toolkit %.2f s (%+.2f s); loading one batch alone takes"
                            + " %.3f s (%.1f%% of a toolkit step)%n",
                    r.kind().id, r.engine(), r.ratio(), r.ratio() >= 0.95 ? "meets" : "MISSES",
                    r.fastestRatio(), r.fastestRatio() >= 0.95 ? "meets" : "MISSES",
                    bareBatch, toolkitBatch, toolkitBatch - bareBatch, dataBatch, 100 * dataBatch / toolkitBatch);
            for (var e : r.loops().entrySet()) {
                Timing t = e.getValue();
                // A typical (median) step much slower than the fastest one: the loop shared the cores.
                double spread = t.medianStep() / t.minStep();
                if (spread > 1.15) {
                    System.out.printf(Locale.ROOT,
                            "   NOTE: the median %s step is %.2fx its fastest (%.2f vs %.2f s): the machine was busy"
                                    + " (see the load per round), so these ratios are unreliable (the fastest-step"
                                    + " ratio too, unless both loops had quiet steps): rerun, or use more --rounds%n",
                            e.getKey().label, spread, t.medianStep(), t.minStep());
                }
            }
        }
        System.out.println("The toolkit loads batches synchronously on the training thread (Training sets no executor),"
                + " so the data-only time per batch is included in its step time; the bare loop reuses one batch.");
        System.out.printf(Locale.ROOT, "load average at the end: %s; process RSS %s (peak %s)%n", loadAverage(),
                rss("VmRSS"), rss("VmHWM"));
    }

    Result measure(Kind kind, String engineName) throws IOException, TranslateException {
        Engine engine = Engine.getEngine(engineName);
        Timing data;
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engineName)) {
            data = measureData(kind, manager);
        }
        List<Loop> order = diagnose
                ? List.of(Loop.BARE, Loop.BARE_FRESH_DATA, Loop.TOOLKIT_CACHED_BATCH, Loop.TOOLKIT)
                : List.of(Loop.BARE, Loop.TOOLKIT);
        Map<Loop, List<Run>> runs = new EnumMap<>(Loop.class);
        double bareLoss = Double.NaN;
        double toolkitLoss = Double.NaN;
        Run[] run = new Run[1];
        for (int round = 0; round < rounds; round++) {
            // Alternate the order so no loop always runs first (allocator state, other people's load).
            List<Loop> thisRound = new ArrayList<>(order);
            if (round % 2 == 1) {
                Collections.reverse(thisRound);
            }
            for (Loop loop : thisRound) {
                String load = loadAverage();
                switch (loop) {
                    case BARE:
                        bareLoss = measureBare(kind, engine, run, false);
                        break;
                    case BARE_FRESH_DATA:
                        measureBare(kind, engine, run, true);
                        break;
                    case TOOLKIT:
                        toolkitLoss = measureToolkit(kind, engine, run, false);
                        break;
                    default:
                        measureToolkit(kind, engine, run, true);
                }
                runs.computeIfAbsent(loop, k -> new ArrayList<>()).add(run[0]);
                System.out.printf(Locale.ROOT, "   round %d %-26s: %7.2f img/s  (load before %s, RSS now %s, peak %s)%n",
                        round + 1, loop.label, run[0].imagesPerSecond(), load, rss("VmRSS"), rss("VmHWM"));
                System.gc();
            }
        }
        Map<Loop, Timing> timings = new EnumMap<>(Loop.class);
        runs.forEach((k, v) -> timings.put(k, new Timing(v)));
        return new Result(kind, engineName, timings, data, bareLoss, toolkitLoss);
    }

    /** (c) Iterating the training data alone. */
    Timing measureData(Kind kind, NDManager manager) throws IOException, TranslateException {
        int batches = warmup + Math.max(steps, MIN_DATA_BATCHES);
        RandomAccessDataset set = trainingSet(kind, batches, new EpochShuffleSampler(BATCH, SEED, true));
        long[] stamps = new long[batches];
        long[] cpu = new long[batches];
        int i = 0;
        for (Batch batch : set.getData(manager)) {
            try (batch) {
                NDArray x = batch.getData().head();
                // One element read forces the (possibly asynchronous) batch construction to finish.
                long[] lastElement = x.getShape().getShape().clone();
                for (int d = 0; d < lastElement.length; d++) {
                    lastElement[d]--;
                }
                x.get(lastElement).getFloat();
                batch.getLabels().head().get(0).getFloat();
            }
            cpu[i] = cpuTicks();
            stamps[i++] = System.nanoTime();
        }
        if (i != batches) {
            throw new IllegalStateException("expected " + batches + " batches, got " + i);
        }
        return new Timing(new Run(stamps, cpu, warmup));
    }

    /**
     * (b) The bare DJL loop on one pre-made batch (or, with {@code freshData}, on the next batch of the
     * dataset every step, loaded synchronously as the toolkit does). Returns the last loss.
     */
    double measureBare(Kind kind, Engine engine, Run[] out, boolean freshData) throws IOException, TranslateException {
        Recipe recipe = recipe(kind);
        engine.setRandomSeed((int) recipe.getSeed());
        PaperSgd optimizer = PaperSgd.builder()
                .setLearningRateTracker(Tracker.fixed(recipe.getLearningRate()))
                .optMomentum(recipe.getMomentum())
                .optWeightDecays(recipe.getWeightDecay())
                .setRescaleGrad(1f)
                .build();
        DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(optimizer)
                .optDevices(new Device[] {Device.cpu()});
        int total = warmup + steps;
        long[] stamps = new long[total];
        long[] cpu = new long[total];
        float last = Float.NaN;
        try (Model model = Model.newInstance("bench-bare-" + kind.id, Device.cpu(), engine.getEngineName())) {
            model.setBlock(kind.newBlock());
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(1).addAll(kind.inputShape()));
                Loss loss = trainer.getLoss();
                RandomAccessDataset set = trainingSet(kind, freshData ? total : 1,
                        new EpochShuffleSampler(BATCH, SEED, true));
                Iterator<Batch> it = trainer.iterateDataset(set).iterator();
                if (freshData) {
                    for (int s = 0; s < total; s++) {
                        try (Batch batch = it.next()) {
                            NDArray l;
                            try (GradientCollector gc = trainer.newGradientCollector()) {
                                NDList p = trainer.forward(batch.getData());
                                l = loss.evaluate(batch.getLabels(), p);
                                gc.backward(l);
                            }
                            trainer.step();
                            last = l.getFloat();
                        }
                        cpu[s] = cpuTicks();
                        stamps[s] = System.nanoTime();
                    }
                } else try (Batch batch = it.next()) {
                    NDList x = batch.getData();
                    NDList y = batch.getLabels();
                    for (int s = 0; s < total; s++) {
                        // A per-step manager frees the step's activations, as closing a batch does in the toolkit.
                        try (NDManager stepManager = trainer.getManager().newSubManager()) {
                            x.tempAttach(stepManager);
                            y.tempAttach(stepManager);
                            NDArray l;
                            try (GradientCollector gc = trainer.newGradientCollector()) {
                                NDList p = trainer.forward(x);
                                l = loss.evaluate(y, p);
                                gc.backward(l);
                            }
                            trainer.step();
                            last = l.getFloat();
                        }
                        cpu[s] = cpuTicks();
                        stamps[s] = System.nanoTime();
                    }
                }
            }
        }
        release(optimizer);
        out[0] = new Run(stamps, cpu, warmup);
        return last;
    }

    /**
     * (a) The toolkit's loop, one epoch of exactly warmup + steps batches (with {@code cachedBatch}: copies
     * of one pre-made batch instead of loading data). Returns the epoch's loss.
     */
    double measureToolkit(Kind kind, Engine engine, Run[] out, boolean cachedBatch)
            throws IOException, TranslateException {
        int total = warmup + steps;
        Recipe recipe = recipe(kind);
        EpochShuffleSampler sampler = new EpochShuffleSampler(BATCH, recipe.getSeed(), true);
        try (NDManager cacheManager = NDManager.newBaseManager(Device.cpu(), engine.getEngineName())) {
            RandomAccessDataset train = cachedBatch
                    ? new CachedBatch(trainingSet(kind, 1, new EpochShuffleSampler(BATCH, SEED, true)), cacheManager,
                            total * BATCH, sampler)
                    : trainingSet(kind, total, sampler);
            return measureToolkit(kind, engine, out, recipe, train, sampler);
        }
    }

    private double measureToolkit(Kind kind, Engine engine, Run[] out, Recipe recipe, RandomAccessDataset train,
            EpochShuffleSampler sampler) throws IOException, TranslateException {
        int total = warmup + steps;
        RandomAccessDataset validation = validationSet(kind);
        long[] stamps = new long[total];
        long[] cpu = new long[total];
        int[] seen = new int[1];
        ProgressListener listener = new ProgressListener() {
            @Override
            public void onBatch(BatchProgress p) {
                cpu[p.batch() - 1] = cpuTicks();
                stamps[p.batch() - 1] = System.nanoTime();
                seen[0] = p.batch();
            }
        };
        double loss;
        try (Model model = Model.newInstance("bench-toolkit-" + kind.id, Device.cpu(), engine.getEngineName())) {
            model.setBlock(kind.newBlock());
            var history = Training.builder()
                    .setModel(model)
                    .setInputShape(kind.inputShape())
                    .setClasses(kind.classes)
                    .setTrainingSet(train, sampler)
                    .setValidationSet(validation)
                    .setRecipe(recipe)
                    .optDevices(Device.cpu())
                    .addListener(listener)
                    .build()
                    .fit();
            loss = history.last().trainLoss();
        }
        if (seen[0] != total) {
            throw new IllegalStateException("the toolkit ran " + seen[0] + " batches, expected " + total);
        }
        out[0] = new Run(stamps, cpu, warmup);
        return loss;
    }

    /**
     * Frees the optimiser's momentum buffers when the optimiser can do that (DJL detaches optimiser
     * state from every manager, so closing the model does not free it).
     */
    static void release(Object optimizer) {
        if (optimizer instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new IllegalStateException("could not free the optimiser state", e);
            }
        }
    }

    static Recipe recipe(Kind kind) {
        Recipe base = kind == Kind.D2L ? Recipe.fashionMnist() : Recipe.paper();
        return base.toBuilder().epochs(1).batchSize(BATCH).resolution(RESOLUTION).build();
    }

    RandomAccessDataset trainingSet(Kind kind, int batches, Sampler sampler) throws IOException, TranslateException {
        long size = (long) batches * BATCH;
        if (kind == Kind.D2L) {
            FashionMnist set = FashionMnist.builder()
                    .optUsage(Dataset.Usage.TRAIN)
                    .optResolution(RESOLUTION)
                    .optLimit(size)
                    .setSampling(sampler)
                    .build();
            set.prepare();
            return set;
        }
        return new SyntheticImages(syntheticPool(), kind.channels, RESOLUTION, kind.classes, (int) size, SEED, sampler);
    }

    RandomAccessDataset validationSet(Kind kind) throws IOException, TranslateException {
        EpochShuffleSampler sequential = EpochShuffleSampler.sequential(BATCH);
        if (kind == Kind.D2L) {
            FashionMnist set = FashionMnist.builder()
                    .optUsage(Dataset.Usage.TEST)
                    .optResolution(RESOLUTION)
                    .optLimit(VALIDATION_IMAGES)
                    .setSampling(sequential)
                    .build();
            set.prepare();
            return set;
        }
        return new SyntheticImages(syntheticPool(), kind.channels, RESOLUTION, kind.classes, VALIDATION_IMAGES,
                SEED + 1, sequential);
    }

    /** The synthetic images, made once per JVM and shared by every engine: uniform [0, 1) floats. */
    float[] syntheticPool() {
        if (syntheticPool == null) {
            int per = Kind.PAPER.channels * RESOLUTION * RESOLUTION;
            float[] pool = new float[SYNTHETIC_POOL * per];
            SplittableRandom random = new SplittableRandom(SEED);
            for (int i = 0; i < pool.length; i++) {
                pool[i] = (float) random.nextDouble();
            }
            syntheticPool = pool;
        }
        return syntheticPool;
    }

    /**
     * A dataset that serves copies of one pre-made batch (one array copy per batch, no decoding or
     * resizing): the toolkit's loop without data loading.
     */
    static final class CachedBatch extends RandomAccessDataset {

        private final NDArray x;
        private final NDArray y;
        private final int size;

        CachedBatch(RandomAccessDataset source, NDManager manager, int size, Sampler sampler)
                throws IOException, TranslateException {
            super(new SyntheticImages.Builder().setSampling(sampler));
            try (Batch b = source.getData(manager).iterator().next()) {
                x = b.getData().head().duplicate();
                y = b.getLabels().head().duplicate();
                x.attach(manager);
                y.attach(manager);
            }
            this.size = size;
        }

        @Override
        public Record get(NDManager manager, long index) {
            long i = index % x.getShape().get(0);
            return new Record(new NDList(x.get(i)), new NDList(y.get(i)));
        }

        @Override
        protected long availableSize() {
            return size;
        }

        @Override
        public void prepare(Progress progress) {}

        @Override
        public Iterable<Batch> getData(NDManager manager, Sampler sampler, ExecutorService executorService) {
            CachedBatch self = this;
            return new DataIterable(this, manager, sampler, dataBatchifier, labelBatchifier, pipeline,
                    targetPipeline, executorService, prefetchNumber, device) {
                @Override
                protected Batch fetch(List<Long> indices, int progress) {
                    if (indices.size() != self.x.getShape().get(0)) {
                        throw new IllegalStateException("the cached batch has " + self.x.getShape().get(0)
                                + " examples, asked for " + indices.size());
                    }
                    NDManager batchManager = this.manager.newSubManager();
                    batchManager.setName("cached fetch");
                    NDArray data = self.x.duplicate();
                    NDArray labels = self.y.duplicate();
                    return new Batch(batchManager, new NDList(data), new NDList(labels), indices.size(),
                            dataBatchifier, labelBatchifier, progress, self.size(), indices);
                }
            };
        }
    }

    /**
     * An in-memory dataset of random images (a fixed pool of {@value #SYNTHETIC_POOL} images that
     * indices wrap around) with random labels; a batch is one bulk copy into one array, like {@link
     * FashionMnist} does.
     */
    static final class SyntheticImages extends RandomAccessDataset {

        private final float[] pool;
        private final int channels;
        private final int side;
        private final float[] labels;

        SyntheticImages(float[] pool, int channels, int side, int classes, int size, long seed, Sampler sampler) {
            super(new Builder().setSampling(sampler));
            this.pool = pool;
            this.channels = channels;
            this.side = side;
            this.labels = new float[size];
            SplittableRandom random = new SplittableRandom(seed);
            for (int i = 0; i < size; i++) {
                labels[i] = random.nextInt(classes);
            }
        }

        private int perImage() {
            return channels * side * side;
        }

        private int poolImages() {
            return pool.length / perImage();
        }

        NDArray images(NDManager manager, List<Long> indices) {
            int per = perImage();
            float[] buffer = new float[indices.size() * per];
            for (int i = 0; i < indices.size(); i++) {
                int from = (int) (indices.get(i) % poolImages()) * per;
                System.arraycopy(pool, from, buffer, i * per, per);
            }
            return manager.create(buffer, new Shape(indices.size(), channels, side, side));
        }

        NDArray labels(NDManager manager, List<Long> indices) {
            float[] y = new float[indices.size()];
            for (int i = 0; i < y.length; i++) {
                y[i] = labels[Math.toIntExact(indices.get(i))];
            }
            return manager.create(y);
        }

        @Override
        public Record get(NDManager manager, long index) {
            try (NDArray image = images(manager, List.of(index))) {
                return new Record(new NDList(image.reshape(channels, side, side)),
                        new NDList(manager.create(labels[Math.toIntExact(index)])));
            }
        }

        @Override
        protected long availableSize() {
            return labels.length;
        }

        @Override
        public void prepare(Progress progress) {}

        @Override
        public Iterable<Batch> getData(NDManager manager, Sampler sampler, ExecutorService executorService) {
            SyntheticImages self = this;
            return new DataIterable(this, manager, sampler, dataBatchifier, labelBatchifier, pipeline,
                    targetPipeline, executorService, prefetchNumber, device) {
                @Override
                protected Batch fetch(List<Long> indices, int progress) {
                    NDManager batchManager = this.manager.newSubManager();
                    batchManager.setName("synthetic fetch");
                    NDList data = new NDList(self.images(batchManager, indices));
                    NDList y = new NDList(self.labels(batchManager, indices));
                    return new Batch(batchManager, data, y, indices.size(), dataBatchifier, labelBatchifier,
                            progress, self.size(), indices);
                }
            };
        }

        static final class Builder extends BaseBuilder<Builder> {
            @Override
            protected Builder self() {
                return this;
            }
        }
    }

    // ---------------------------------------------------------------- machine

    void printMachine() {
        Runtime rt = Runtime.getRuntime();
        System.out.printf(Locale.ROOT, "machine: %d cores (availableProcessors), CPU %s, memory %s, JVM max heap %.1f GB%n",
                rt.availableProcessors(), cpuModel(), memTotal(), rt.maxMemory() / 1e9);
        System.out.printf(Locale.ROOT, "java: %s (%s %s), os: %s %s %s%n",
                System.getProperty("java.version"), System.getProperty("java.vm.name"),
                System.getProperty("java.vm.version"), System.getProperty("os.name"),
                System.getProperty("os.version"), System.getProperty("os.arch"));
        StringBuilder versions = new StringBuilder("DJL " + Engine.getDjlVersion());
        for (String e : engines) {
            versions.append(", ").append(e).append(' ').append(Engine.getEngine(e).getVersion());
        }
        System.out.println("engines: " + versions);
        String omp = System.getenv("OMP_NUM_THREADS");
        System.out.println("OMP_NUM_THREADS: " + (omp == null ? "(unset)" : omp) + ", load average at start: " + loadAverage());
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return System.getProperty("os.arch") + " (model unknown)";
    }

    static String memTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return String.format(Locale.ROOT, "%.1f GB", kb / 1024.0 / 1024.0);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return "unknown";
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** A line of /proc/self/status (VmRSS = resident now, VmHWM = peak), in GB. */
    static String rss(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key + ":")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return String.format(Locale.ROOT, "%.1f GB", kb / 1024.0 / 1024.0);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return "?";
    }

    /** USER_HZ, the unit of the CPU times in /proc (100 on Linux). */
    static final int CLOCK_TICKS = 100;

    /** CPU time used so far by this process (all threads, user + system), in clock ticks; 0 if unknown. */
    static long cpuTicks() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields after the command: state(3) ... utime(14) stime(15), i.e. indices 11 and 12 here
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    static String hms(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, (s % 3600) / 60, s % 60);
    }
}
