package org.alexnet.bench;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.alexnet.bench.BenchDatasets.CachedBatch;
import org.alexnet.bench.BenchDatasets.SyntheticImages;
import org.alexnet.data.EpochShuffleSampler;
import org.alexnet.data.FashionMnist;
import org.alexnet.engine.Engines;
import org.alexnet.model.AlexNet;
import org.alexnet.model.ModelSpec;
import org.alexnet.model.ModelSummary;
import org.alexnet.train.Preset;
import org.alexnet.train.ProgressListener;
import org.alexnet.train.Recipe;
import org.alexnet.train.Training;
import org.alexnet.train.TrainingData;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Training throughput of AlexNet at batch 128 on the CPU: the toolkit's loop ({@link Training#fit()},
 * with the toolkit's optimiser) against a bare loop written in DJL's own idiom (DJL's
 * {@code Optimizer.sgd()} with the recipe's learning rate, momentum and weight decay; forward, loss,
 * backward in a {@link GradientCollector}, {@code trainer.step()}), plus data loading alone, the
 * engine's matrix-product peak and the fraction of it that training reaches. A benchmark, not a test:
 *
 * <pre>
 * bash scripts/benchmark.sh [flags]     (one JVM per engine; or, after mvn -DskipTests package:)
 * java -Xmx8g -cp benchmarks/target/alexnet-benchmarks-*-bench.jar:toolkit/target/alexnet-toolkit-*-all.jar \
 *     org.alexnet.bench.TrainingBenchmark [--steps 5] [--warmup 1] [--rounds 1] [--engines MXNet,PyTorch]
 *     [--models d2l,paper] [--sizes 224,96] [--loops bare,toolkit] [--gemm 4096] [--gemm-reps 5] [--layers] [--diagnose]
 * </pre>
 *
 * <p>Models: {@code d2l} is {@link AlexNet#fashionMnist()} (1 channel, 10 classes) on real
 * Fashion-MNIST resized by {@link FashionMnist}; {@code paper} is {@link AlexNet#paper()} (3 channels,
 * 1000 classes, two towers, LRN) on synthetic random images held in memory (there is no ImageNet here).
 *
 * <p>Loops, each with {@code warmup} unmeasured steps followed by {@code steps} measured ones:
 *
 * <ul>
 *   <li>bare: one batch made before the loop and reused; per step forward, loss, backward in a
 *       gradient collector, {@code trainer.step()} with DJL's {@code Sgd}, and one host sync (the loss
 *       value). Nothing of the toolkit runs inside this loop (the model block is the toolkit's, as for
 *       the other loop);
 *   <li>toolkit: {@code Training.builder()...build().fit()} for one epoch over exactly
 *       {@code warmup + steps} batches and a tiny validation set, timed from the
 *       {@link ProgressListener#onBatch} timestamps (validation is not timed);
 *   <li>data: iterating the training dataset alone, one element read per batch so the batch is
 *       really built.
 * </ul>
 *
 * <p>{@code --rounds N} repeats the loops N times per configuration with alternating order and pools
 * the steps; {@code --loops bare} measures the bare loop alone (for engine settings);
 * {@code --diagnose} adds the bare loop on fresh batches and the toolkit on a cached batch;
 * {@code --layers} times each layer alone. Results and their reading: docs/benchmarks.md.
 */
public final class TrainingBenchmark {

    /** The recipes' batch (the paper's 128; the D2L preset keeps it). */
    static final int BATCH = Preset.PAPER.recipe().getBatchSize();

    static final int D2L_EPOCH_IMAGES = 60_000;
    /** Seeds the data order and the synthetic images: the recipes' seed. */
    static final long SEED = Preset.PAPER.recipe().getSeed();
    /** Distinct synthetic images kept in memory (indices wrap around): 256 x 3x224x224 floats = 154 MB. */
    static final int SYNTHETIC_POOL = 256;

    static final int VALIDATION_IMAGES = 16;
    static final int MIN_DATA_BATCHES = 10;
    /** Training FLOPs per forward MAC: 2 FLOPs per MAC, times forward + backward-data + backward-weights. */
    static final double TRAIN_FLOP_PER_MAC = 3 * 2;

    /** The two networks measured. */
    enum Kind {
        D2L(
                "d2l",
                ModelSpec.Variant.ALEXNET_FASHION,
                1,
                10,
                Preset.D2L,
                "AlexNet.fashionMnist(), real Fashion-MNIST resized to the input size"),
        PAPER(
                "paper",
                ModelSpec.Variant.ALEXNET,
                3,
                1000,
                Preset.PAPER,
                "AlexNet.paper(), SYNTHETIC random images (no ImageNet here)");

        final String id;
        final ModelSpec.Variant variant;
        final int channels;
        final int classes;
        /** Where the optimiser's numbers come from (the benchmark changes only epochs, batch and size). */
        final Preset preset;

        final String description;

        Kind(String id, ModelSpec.Variant variant, int channels, int classes, Preset preset, String description) {
            this.id = id;
            this.variant = variant;
            this.channels = channels;
            this.classes = classes;
            this.preset = preset;
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

        /** The network as the command line names it (alexnet-fashion, alexnet), which Training and checkpoints take. */
        ModelSpec spec() {
            return ModelSpec.of(variant, classes, channels);
        }

        Block newBlock() {
            return spec().build();
        }

        Shape inputShape(int size) {
            return new Shape(channels, size, size);
        }
    }

    /** A model at an input size. */
    record Config(Kind kind, int size) {

        String id() {
            return kind.id + "@" + size;
        }

        Shape inputShape() {
            return kind.inputShape(size);
        }

        /** Forward multiply-adds of one image, from {@link ModelSummary} (built on {@code engine}). */
        long macs(String engine) {
            Shape input = new Shape(1).addAll(inputShape());
            try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
                Block block = kind.newBlock();
                block.initialize(manager, DataType.FLOAT32, input);
                return ModelSummary.of(block, input).getTotalMacs();
            }
        }
    }

    /**
     * One timed run: timestamps (ns) and process CPU ticks (user, system) after each step, index 0 =
     * after the first warm-up step.
     */
    record Run(long[] stamps, long[] user, long[] system, int warmup, String loadBefore, String loadAfter) {

        /** Process CPU time (all threads, user + system) of the measured steps, in seconds. */
        double cpuSeconds() {
            return (user[user.length - 1] - user[warmup - 1] + system[system.length - 1] - system[warmup - 1])
                    / (double) Machine.CLOCK_TICKS;
        }

        double systemSeconds() {
            return (system[system.length - 1] - system[warmup - 1]) / (double) Machine.CLOCK_TICKS;
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
            return runs.stream().mapToDouble(Run::cpuSeconds).sum()
                    / runs.stream().mapToInt(Run::measured).sum();
        }

        /** System (kernel) share of the process CPU time in the measured steps. */
        double systemShare() {
            return runs.stream().mapToDouble(Run::systemSeconds).sum()
                    / runs.stream().mapToDouble(Run::cpuSeconds).sum();
        }

        double[] stepSeconds() {
            return runs.stream()
                    .flatMapToDouble(r -> Arrays.stream(r.stepSeconds()))
                    .toArray();
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

        String loads() {
            StringBuilder sb = new StringBuilder();
            for (Run r : runs) {
                sb.append(sb.length() == 0 ? "" : "; ")
                        .append(r.loadBefore())
                        .append(" -> ")
                        .append(r.loadAfter());
            }
            return sb.toString();
        }
    }

    /** The loops; the last two only with {@code --diagnose}. */
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

        static Loop parse(String s) {
            for (Loop l : List.of(BARE, TOOLKIT)) {
                if (l.label.equalsIgnoreCase(s.trim())) {
                    return l;
                }
            }
            throw new IllegalArgumentException("unknown loop '" + s + "': use bare or toolkit");
        }
    }

    record Result(
            Config config,
            String engine,
            Map<Loop, Timing> loops,
            Timing data,
            double bareLoss,
            double toolkitLoss,
            long macs) {

        Timing bare() {
            return loops.get(Loop.BARE);
        }

        Timing toolkit() {
            return loops.get(Loop.TOOLKIT);
        }

        boolean paired() {
            return bare() != null && toolkit() != null;
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

        /** Training GFLOP/s of a loop: img/s x 3 x 2 x forward MACs. */
        double gflops(Timing t) {
            return t.imagesPerSecond() * TRAIN_FLOP_PER_MAC * macs / 1e9;
        }

        /** The loop the fraction of peak is reported for: bare if measured, else toolkit. */
        Timing reference() {
            return bare() != null ? bare() : toolkit();
        }
    }

    private final int steps;
    private final int warmup;
    private final List<String> engines;
    private final List<Config> configs;
    private final List<Loop> loops;
    private final int rounds;
    private final boolean diagnose;
    private final int gemmSize;
    private final int gemmRepetitions;
    private final boolean layers;
    private float[] syntheticPool;

    TrainingBenchmark(
            int steps,
            int warmup,
            List<String> engines,
            List<Config> configs,
            List<Loop> loops,
            int rounds,
            boolean diagnose,
            int gemmSize,
            int gemmRepetitions,
            boolean layers) {
        this.steps = steps;
        this.warmup = warmup;
        this.engines = engines;
        this.configs = configs;
        this.loops = loops;
        this.rounds = rounds;
        this.diagnose = diagnose;
        this.gemmSize = gemmSize;
        this.gemmRepetitions = gemmRepetitions;
        this.layers = layers;
    }

    List<String> engines() {
        return engines;
    }

    List<Config> configs() {
        return configs;
    }

    /** The command line: each flag once, with its help and default; picocli writes --help from these. */
    @Command(
            name = "TrainingBenchmark",
            sortOptions = false,
            description = "AlexNet training throughput at batch 128 on the CPU: the toolkit's loop against a bare"
                    + " DJL loop, data loading alone, the engine's float32 peak (docs/benchmarks.md).")
    static final class Options implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(
                names = {"-h", "--help"},
                usageHelp = true,
                description = "this help")
        boolean help;

        @Option(
                names = "--steps",
                paramLabel = "N",
                description = "measured steps per loop (default: ${DEFAULT-VALUE})")
        int steps = 5;

        @Option(
                names = "--warmup",
                paramLabel = "N",
                description = "unmeasured steps first (default: ${DEFAULT-VALUE})")
        int warmup = 1;

        @Option(
                names = "--rounds",
                paramLabel = "N",
                description = "repeats the loops N times per configuration,"
                        + " alternating which goes first, and pools the steps (default: ${DEFAULT-VALUE})")
        int rounds = 1;

        @Option(
                names = "--engines",
                split = ",",
                paramLabel = "NAME",
                description = "engines, in this JVM, chosen"
                        + " as the command line chooses them (default: ${DEFAULT-VALUE})")
        List<String> engines = List.of(Engines.DEFAULT, Engines.PYTORCH);

        @Option(
                names = "--models",
                split = ",",
                paramLabel = "d2l|paper",
                description = "d2l: AlexNet.fashionMnist()"
                        + " on Fashion-MNIST; paper: AlexNet.paper() on synthetic images (default: d2l)")
        List<Kind> models = List.of(Kind.D2L);

        @Option(
                names = "--sizes",
                split = ",",
                paramLabel = "PX",
                description = "input sizes (default: ${DEFAULT-VALUE})")
        List<Integer> sizes = List.of(224, 96);

        @Option(
                names = "--loops",
                split = ",",
                paramLabel = "bare|toolkit",
                description = "bare alone measures" + " engine settings; toolkit/bare ratios need both (default: both)")
        List<Loop> loops = List.of(Loop.BARE, Loop.TOOLKIT);

        @Option(
                names = "--gemm",
                paramLabel = "N",
                description = "the engine's float32 matrix-product peak on N x N"
                        + " matrices (matMul and linear), 0 = skip (default: ${DEFAULT-VALUE})")
        int gemm = 4096;

        @Option(
                names = "--gemm-reps",
                paramLabel = "N",
                description = "best of N for the peak (default: ${DEFAULT-VALUE})")
        int gemmReps = 5;

        @Option(names = "--layers", description = "also times every layer alone (forward, forward+backward)")
        boolean layers;

        @Option(
                names = "--diagnose",
                description = "also times the bare loop on fresh batches and the toolkit on a" + " cached batch")
        boolean diagnose;

        /** The benchmark these options describe; a bad value is a ParameterException (one line and the usage). */
        TrainingBenchmark benchmark() {
            if (steps < 1 || warmup < 1 || rounds < 1 || gemmReps < 1 || gemm < 0) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--steps, --warmup, --rounds, --gemm-reps must be at least 1 (--gemm at least 0)");
            }
            for (int size : sizes) {
                if (size < AlexNet.MIN_INPUT_SIZE) {
                    throw new ParameterException(
                            spec.commandLine(),
                            "--sizes: AlexNet needs at least " + AlexNet.MIN_INPUT_SIZE + " px, got " + size);
                }
            }
            if (diagnose && !(loops.contains(Loop.BARE) && loops.contains(Loop.TOOLKIT))) {
                throw new ParameterException(spec.commandLine(), "--diagnose needs both loops (--loops bare,toolkit)");
            }
            List<String> names = new ArrayList<>();
            for (String e : engines) {
                try {
                    // The command line's engine rule: its names, its native-library checks and messages.
                    names.add(Engines.select(e).getEngineName());
                } catch (IllegalArgumentException ex) {
                    throw new ParameterException(spec.commandLine(), "--engines: " + ex.getMessage());
                }
            }
            List<Config> configs = new ArrayList<>();
            for (int size : sizes) {
                for (Kind kind : models) {
                    configs.add(new Config(kind, size));
                }
            }
            return new TrainingBenchmark(
                    steps,
                    warmup,
                    List.copyOf(names),
                    configs,
                    List.copyOf(loops),
                    rounds,
                    diagnose,
                    gemm,
                    gemmReps,
                    layers);
        }

        @Override
        public Integer call() throws Exception {
            benchmark().run();
            return 0;
        }
    }

    /** The parser for {@link Options}, with the benchmark's names for models and loops. */
    static CommandLine commandLine(Options options) {
        return oneLineErrors(new CommandLine(options)
                .registerConverter(Kind.class, Kind::parse)
                .registerConverter(Loop.class, Loop::parse));
    }

    /** A bad flag is one line (with picocli's suggestion for a typo), not the whole usage; exit status 2. */
    static CommandLine oneLineErrors(CommandLine cl) {
        return cl.setParameterExceptionHandler((e, args) -> {
            PrintWriter err = e.getCommandLine().getErr();
            List<String> near = e instanceof UnmatchedArgumentException u ? u.getSuggestions() : List.of();
            err.println(e.getCommandLine().getCommandName() + ": " + e.getMessage()
                    + (near.isEmpty() ? "" : "; did you mean " + String.join(" or ", near) + "?")
                    + " (--help lists the flags)");
            err.flush();
            return 2;
        });
    }

    public static void main(String[] args) {
        CommandLine cl = commandLine(new Options());
        // An engine that cannot load is one line, not a stack trace (as on the command line).
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof EngineException) {
                line.getErr().println("TrainingBenchmark: " + e.getMessage());
                return 1;
            }
            throw e;
        });
        System.exit(cl.execute(args));
    }

    void run() throws IOException, TranslateException {
        System.out.println("== AlexNet training throughput, batch " + BATCH + ", CPU ==");
        Machine.print(engines);
        System.out.printf(
                Locale.ROOT,
                "steps: %d warm-up + %d measured per loop, %d round(s) per configuration," + " loops %s%s%n",
                warmup,
                steps,
                rounds,
                loops,
                diagnose ? " + diagnosis loops" : "");
        for (Config c : configs) {
            System.out.printf(
                    Locale.ROOT,
                    "model %s: %s; %,d forward MACs per image (ModelSummary)%n",
                    c.id(),
                    c.kind().description,
                    c.macs(engines.get(0)));
        }
        Recipe r = recipe(configs.get(0));
        System.out.printf(
                Locale.ROOT,
                "bare loop optimiser: DJL Optimizer.sgd(), lr %s (fixed tracker), momentum %s,"
                        + " weight decay %s (from the preset)%n",
                r.getLearningRate(),
                r.getMomentum(),
                r.getWeightDecay());
        System.out.println();

        Map<String, GemmPeak.Result> peaks = new LinkedHashMap<>();
        List<Result> results = new ArrayList<>();
        Map<String, List<LayerTimes.Layer>> layerTimes = new LinkedHashMap<>();
        for (String engine : engines) {
            if (gemmSize > 0) {
                String load = Machine.loadAverage();
                GemmPeak.Result p = GemmPeak.measure(engine, gemmSize, gemmRepetitions);
                peaks.put(engine, p);
                System.out.printf(
                        Locale.ROOT,
                        "-- %s float32 peak, best of %d: matMul %dx%d %.1f GFLOP/s (SGEMM),"
                                + " linear %.1f GFLOP/s, conv 3x3 %.1f GFLOP/s (load before %s, after %s)%n",
                        engine,
                        p.repetitions(),
                        p.n(),
                        p.n(),
                        p.matMulGflops(),
                        p.linearGflops(),
                        p.convGflops(),
                        load,
                        Machine.loadAverage());
                System.out.printf(
                        Locale.ROOT,
                        "PEAK engine=%s n=%d matmul=%.1f linear=%.1f conv=%.1f settings=%s%n",
                        engine,
                        p.n(),
                        p.matMulGflops(),
                        p.linearGflops(),
                        p.convGflops(),
                        Machine.settings().replace(' ', ','));
            }
            for (Config config : configs) {
                System.out.printf(
                        Locale.ROOT,
                        "-- %s / %s (load average before: %s)%n",
                        config.id(),
                        engine,
                        Machine.loadAverage());
                Result res = measure(config, engine);
                results.add(res);
                printResult(res, peaks.get(engine));
                if (layers) {
                    String load = Machine.loadAverage();
                    List<LayerTimes.Layer> lt = LayerTimes.measure(
                            config.kind().newBlock(), new Shape(BATCH).addAll(config.inputShape()), engine, 2);
                    layerTimes.put(config.id() + " / " + engine, lt);
                    double peak = peaks.containsKey(engine) ? peaks.get(engine).best() : Double.NaN;
                    System.out.printf(
                            Locale.ROOT,
                            "   per layer, batch %d, fastest of 2 after a warm-up (load before %s,"
                                    + " after %s); of peak = of this engine's peak (best of matMul, linear, conv 3x3):%n",
                            BATCH,
                            load,
                            Machine.loadAverage());
                    System.out.print(LayerTimes.describe(lt, BATCH, peak));
                    System.out.printf(
                            Locale.ROOT,
                            "   measured %s step: %.2f s (median) against the layers' sum %.2f s"
                                    + " (the rest: loss, optimiser update, framework)%n",
                            res.bare() != null ? "bare" : "toolkit",
                            res.reference().medianStep(),
                            lt.stream()
                                    .mapToDouble(LayerTimes.Layer::trainSeconds)
                                    .sum());
                }
                System.out.println();
                System.gc();
            }
        }
        printSummary(results, peaks);
    }

    private void printResult(Result r, GemmPeak.Result peak) {
        if (r.data() != null) {
            System.out.printf(
                    Locale.ROOT,
                    "   data-only: %8.1f img/s   per batch %.3f s%n",
                    r.data().imagesPerSecond(),
                    BATCH / r.data().imagesPerSecond());
        }
        Timing reference = r.reference();
        for (Loop loop : Loop.values()) {
            Timing t = r.loops().get(loop);
            if (t == null) {
                continue;
            }
            System.out.printf(
                    Locale.ROOT,
                    "   %-25s: %7.2f img/s = %.3fx %s (median step %.3fx, fastest step %.3fx); CPU %.2f s/step,"
                            + " %.0f%% system; %.1f training GFLOP/s%s; step s: %s; load %s%n",
                    loop.label,
                    t.imagesPerSecond(),
                    t.imagesPerSecond() / reference.imagesPerSecond(),
                    r.bare() != null ? "bare" : "toolkit",
                    reference.medianStep() / t.medianStep(),
                    reference.minStep() / t.minStep(),
                    t.cpuPerStep(),
                    100 * t.systemShare(),
                    r.gflops(t),
                    peak == null
                            ? ""
                            : String.format(
                                    Locale.ROOT, " = %.0f%% of the engine's peak", 100 * r.gflops(t) / peak.best()),
                    t.describeSteps(),
                    t.loads());
            System.out.printf(
                    Locale.ROOT,
                    "RESULT engine=%s model=%s size=%d loop=%s imgs=%.3f median_step=%.4f"
                            + " fastest_step=%.4f cpu_step=%.3f sys_share=%.3f gflops=%.2f load=%s settings=%s%n",
                    r.engine(),
                    r.config().kind().id,
                    r.config().size(),
                    loop.name().toLowerCase(Locale.ROOT),
                    t.imagesPerSecond(),
                    t.medianStep(),
                    t.minStep(),
                    t.cpuPerStep(),
                    t.systemShare(),
                    r.gflops(t),
                    t.loads().replace(' ', '_'),
                    Machine.settings().replace(' ', ','));
        }
        if (r.paired()) {
            System.out.printf(
                    Locale.ROOT,
                    "   loss: bare %.4f after its last step on one batch; toolkit %.4f over its" + " epoch%n",
                    r.bareLoss(),
                    r.toolkitLoss());
        }
    }

    private void printSummary(List<Result> results, Map<String, GemmPeak.Result> peaks) {
        double machinePeak =
                peaks.values().stream().mapToDouble(GemmPeak.Result::best).max().orElse(Double.NaN);
        System.out.println("== Results (images/s, higher is better) ==");
        String header = String.format(
                Locale.ROOT,
                "| %-9s | %-7s | %8s | %8s | %6s | %6s | %7s | %5s | %4s | %7s | %7s | %7s | %9s |",
                "model",
                "engine",
                "bare",
                "toolkit",
                "ratio",
                "median",
                "fastest",
                "CPU",
                "sys",
                "GFLOP/s",
                "of eng.",
                "of best",
                "data-only");
        System.out.println(header);
        System.out.println(header.replaceAll("[^|]", "-"));
        for (Result r : results) {
            Timing ref = r.reference();
            GemmPeak.Result p = peaks.get(r.engine());
            System.out.printf(
                    Locale.ROOT,
                    "| %-9s | %-7s | %8s | %8s | %6s | %6s | %7s | %5s | %3.0f%% | %7.1f | %7s | %7s | %9s |%n",
                    r.config().id(),
                    r.engine(),
                    fmt(r.bare()),
                    fmt(r.toolkit()),
                    r.paired() ? f3(r.ratio()) : "-",
                    r.paired() ? f3(r.medianRatio()) : "-",
                    r.paired() ? f3(r.fastestRatio()) : "-",
                    r.paired() ? f3(r.cpuRatio()) : "-",
                    100 * ref.systemShare(),
                    r.gflops(ref),
                    p == null ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * r.gflops(ref) / p.best()),
                    Double.isNaN(machinePeak)
                            ? "-"
                            : String.format(Locale.ROOT, "%.0f%%", 100 * r.gflops(ref) / machinePeak),
                    r.data() == null
                            ? "-"
                            : String.format(Locale.ROOT, "%.1f", r.data().imagesPerSecond()));
        }
        System.out.println("bare, toolkit, data-only: img/s over all measured steps (wall clock). ratio = toolkit/bare"
                + " img/s; median / fastest = bare step time / toolkit step time (median, fastest step);"
                + " CPU = bare / toolkit process CPU seconds per step; sys = kernel share of the process CPU time"
                + " (bare loop).");
        System.out.println("GFLOP/s = bare img/s x 3 x 2 x forward MACs (forward + backward-data + backward-weights"
                + " ~ 3x forward; pooling, ReLU, LRN, bias ignored); of eng. = of this engine's best of matMul, linear and"
                + " conv 3x3; of best = of the best peak of the engines in this JVM.");
        for (GemmPeak.Result p : peaks.values()) {
            System.out.printf(
                    Locale.ROOT,
                    "peak %s: matMul (SGEMM) %.1f, linear %.1f, conv 3x3 %.1f GFLOP/s"
                            + " (%dx%d matrices; conv %dx%dx%dx%d, %d channels out; best of %d)%n",
                    p.engine(),
                    p.matMulGflops(),
                    p.linearGflops(),
                    p.convGflops(),
                    p.n(),
                    p.n(),
                    GemmPeak.CONV_BATCH,
                    GemmPeak.CONV_CHANNELS,
                    GemmPeak.CONV_SIDE,
                    GemmPeak.CONV_SIDE,
                    GemmPeak.CONV_CHANNELS,
                    p.repetitions());
        }
        System.out.println();

        for (Result r : results) {
            if (r.config().kind() == Kind.D2L && r.toolkit() != null) {
                double s = D2L_EPOCH_IMAGES / r.toolkit().imagesPerSecond();
                System.out.printf(
                        Locale.ROOT,
                        "projected d2l epoch (60,000 images at %d px), %s: %s at the toolkit's %.2f img/s; 10 epochs"
                                + " %s (training only)%n",
                        r.config().size(),
                        r.engine(),
                        Machine.hms(s),
                        r.toolkit().imagesPerSecond(),
                        Machine.hms(10 * s));
            }
        }

        System.out.println("== Reading ==");
        for (Result r : results) {
            if (r.paired()) {
                double bareBatch = BATCH / r.bare().imagesPerSecond();
                double toolkitBatch = BATCH / r.toolkit().imagesPerSecond();
                double dataBatch =
                        r.data() == null ? Double.NaN : BATCH / r.data().imagesPerSecond();
                System.out.printf(
                        Locale.ROOT,
                        "%s/%s: toolkit/bare %.3f over all steps (%s 0.95), %.3f on the fastest steps (%s 0.95);"
                                + " per batch bare %.2f s, toolkit %.2f s (%+.2f s); loading one batch alone takes"
                                + " %.3f s (%.1f%% of a toolkit step)%n",
                        r.config().id(),
                        r.engine(),
                        r.ratio(),
                        r.ratio() >= 0.95 ? "meets" : "MISSES",
                        r.fastestRatio(),
                        r.fastestRatio() >= 0.95 ? "meets" : "MISSES",
                        bareBatch,
                        toolkitBatch,
                        toolkitBatch - bareBatch,
                        dataBatch,
                        100 * dataBatch / toolkitBatch);
            }
            for (var e : r.loops().entrySet()) {
                Timing t = e.getValue();
                // A typical (median) step much slower than the fastest one: the loop shared the cores.
                double spread = t.medianStep() / t.minStep();
                if (spread > 1.15) {
                    System.out.printf(
                            Locale.ROOT,
                            "   NOTE: %s/%s: the median %s step is %.2fx its fastest (%.2f vs %.2f s): the machine"
                                    + " was busy (see the load per round), so these figures are unreliable: rerun,"
                                    + " or use more --rounds%n",
                            r.config().id(),
                            r.engine(),
                            e.getKey().label,
                            spread,
                            t.medianStep(),
                            t.minStep());
                }
            }
        }
        System.out.printf(
                Locale.ROOT,
                "load average at the end: %s; process RSS %s (peak %s)%n",
                Machine.loadAverage(),
                Machine.rss("VmRSS"),
                Machine.rss("VmHWM"));
    }

    private static String fmt(Timing t) {
        return t == null ? "-" : String.format(Locale.ROOT, "%.2f", t.imagesPerSecond());
    }

    private static String f3(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    Result measure(Config config, String engineName) throws IOException, TranslateException {
        Engine engine = Engines.select(engineName); // also DJL's default engine while it is measured
        Timing data = null;
        if (loops.contains(Loop.TOOLKIT)) {
            try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engineName)) {
                data = measureData(config, manager);
            }
        }
        List<Loop> order = new ArrayList<>(loops);
        if (diagnose) {
            order = List.of(Loop.BARE, Loop.BARE_FRESH_DATA, Loop.TOOLKIT_CACHED_BATCH, Loop.TOOLKIT);
        }
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
                switch (loop) {
                    case BARE -> bareLoss = measureBare(config, engine, run, false);
                    case BARE_FRESH_DATA -> measureBare(config, engine, run, true);
                    case TOOLKIT -> toolkitLoss = measureToolkit(config, engine, run, false);
                    default -> measureToolkit(config, engine, run, true);
                }
                runs.computeIfAbsent(loop, k -> new ArrayList<>()).add(run[0]);
                System.out.printf(
                        Locale.ROOT,
                        "   round %d %-26s: %7.2f img/s  (load %s -> %s, RSS now %s, peak %s)%n",
                        round + 1,
                        loop.label,
                        run[0].imagesPerSecond(),
                        run[0].loadBefore(),
                        run[0].loadAfter(),
                        Machine.rss("VmRSS"),
                        Machine.rss("VmHWM"));
                System.gc();
            }
        }
        Map<Loop, Timing> timings = new EnumMap<>(Loop.class);
        runs.forEach((k, v) -> timings.put(k, new Timing(v)));
        return new Result(config, engineName, timings, data, bareLoss, toolkitLoss, config.macs(engineName));
    }

    /** Timestamps and CPU times of a loop's steps. */
    private static final class Clock {
        final long[] stamps;
        final long[] user;
        final long[] system;
        final String loadBefore = Machine.loadAverage();

        Clock(int steps) {
            stamps = new long[steps];
            user = new long[steps];
            system = new long[steps];
        }

        void tick(int step) {
            long[] cpu = Machine.cpuTicks();
            user[step] = cpu[0];
            system[step] = cpu[1];
            stamps[step] = System.nanoTime();
        }

        Run run(int warmup) {
            return new Run(stamps, user, system, warmup, loadBefore, Machine.loadAverage());
        }
    }

    /** Iterating the training data alone. */
    Timing measureData(Config config, NDManager manager) throws IOException, TranslateException {
        int batches = warmup + Math.max(steps, MIN_DATA_BATCHES);
        RandomAccessDataset set = trainingSet(config, batches, new EpochShuffleSampler(BATCH, SEED, true));
        Clock clock = new Clock(batches);
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
            clock.tick(i++);
        }
        if (i != batches) {
            throw new IllegalStateException("expected " + batches + " batches, got " + i);
        }
        return new Timing(clock.run(warmup));
    }

    /**
     * The bare loop in DJL's idiom: DJL's SGD, a trainer, and per step forward, loss, backward, step on
     * one pre-made batch (or, with {@code freshData}, on the next batch of the dataset every step,
     * loaded synchronously as the toolkit does). Returns the last loss.
     */
    double measureBare(Config config, Engine engine, Run[] out, boolean freshData)
            throws IOException, TranslateException {
        Recipe recipe = recipe(config);
        engine.setRandomSeed((int) recipe.getSeed());
        Optimizer sgd = Optimizer.sgd()
                .setLearningRateTracker(Tracker.fixed(recipe.getLearningRate()))
                .optMomentum(recipe.getMomentum())
                .optWeightDecays(recipe.getWeightDecay())
                .build();
        DefaultTrainingConfig trainingConfig = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(sgd)
                .optDevices(new Device[] {Device.cpu()});
        int total = warmup + steps;
        Clock clock = new Clock(total);
        float last = Float.NaN;
        try (Model model = Model.newInstance("bench-bare-" + config.id(), Device.cpu(), engine.getEngineName())) {
            model.setBlock(config.kind().newBlock());
            try (Trainer trainer = model.newTrainer(trainingConfig)) {
                trainer.initialize(new Shape(1).addAll(config.inputShape()));
                Loss loss = trainer.getLoss();
                RandomAccessDataset set =
                        trainingSet(config, freshData ? total : 1, new EpochShuffleSampler(BATCH, SEED, true));
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
                        clock.tick(s);
                    }
                } else {
                    try (Batch batch = it.next()) {
                        NDList x = batch.getData();
                        NDList y = batch.getLabels();
                        for (int s = 0; s < total; s++) {
                            // A per-step manager frees the step's activations, as closing a batch does.
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
                            clock.tick(s);
                        }
                    }
                }
            }
        }
        // DJL's Sgd keeps its momentum arrays outside every manager and cannot free them: each bare loop
        // leaves one copy of the weights in native memory (0.19 GB for d2l). Fine for a few loops.
        out[0] = clock.run(warmup);
        return last;
    }

    /**
     * The toolkit's loop, one epoch of exactly warmup + steps batches (with {@code cachedBatch}: copies
     * of one pre-made batch instead of loading data). Returns the epoch's loss.
     */
    double measureToolkit(Config config, Engine engine, Run[] out, boolean cachedBatch)
            throws IOException, TranslateException {
        int total = warmup + steps;
        Recipe recipe = recipe(config);
        EpochShuffleSampler sampler = new EpochShuffleSampler(BATCH, recipe.getSeed(), true);
        try (NDManager cacheManager = NDManager.newBaseManager(Device.cpu(), engine.getEngineName())) {
            RandomAccessDataset train = cachedBatch
                    ? new CachedBatch(
                            trainingSet(config, 1, new EpochShuffleSampler(BATCH, SEED, true)),
                            cacheManager,
                            total * BATCH,
                            sampler)
                    : trainingSet(config, total, sampler);
            return measureToolkit(config, engine, out, recipe, train, sampler);
        }
    }

    private double measureToolkit(
            Config config,
            Engine engine,
            Run[] out,
            Recipe recipe,
            RandomAccessDataset train,
            EpochShuffleSampler sampler)
            throws IOException, TranslateException {
        int total = warmup + steps;
        RandomAccessDataset validation = validationSet(config);
        Clock clock = new Clock(total);
        int[] seen = new int[1];
        ProgressListener listener = new ProgressListener() {
            @Override
            public void onBatch(BatchProgress p) {
                clock.tick(p.batch() - 1);
                seen[0] = p.batch();
            }
        };
        double loss;
        ModelSpec spec = config.kind().spec();
        try (Model model = Training.newModel(spec, engine.getEngineName(), Device.cpu())) {
            var history = Training.builder()
                    .setModel(model, spec)
                    .setData(TrainingData.of(config.kind().id, train, sampler, validation))
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
        out[0] = clock.run(warmup);
        return loss;
    }

    /** The model's preset (D2L or PAPER) for one epoch at batch 128 and this size. */
    static Recipe recipe(Config config) {
        return config.kind().preset.recipe().toBuilder()
                .epochs(1)
                .batchSize(BATCH)
                .resolution(config.size())
                .build();
    }

    RandomAccessDataset trainingSet(Config config, int batches, Sampler sampler)
            throws IOException, TranslateException {
        long size = (long) batches * BATCH;
        if (config.kind() == Kind.D2L) {
            FashionMnist set = FashionMnist.builder()
                    .optUsage(Dataset.Usage.TRAIN)
                    .optResolution(config.size())
                    .optLimit(size)
                    .setSampling(sampler)
                    .build();
            set.prepare();
            return set;
        }
        return new SyntheticImages(
                syntheticPool(config.size()),
                config.kind().channels,
                config.size(),
                config.kind().classes,
                (int) size,
                SEED,
                sampler);
    }

    RandomAccessDataset validationSet(Config config) throws IOException, TranslateException {
        EpochShuffleSampler sequential = EpochShuffleSampler.sequential(BATCH);
        if (config.kind() == Kind.D2L) {
            FashionMnist set = FashionMnist.builder()
                    .optUsage(Dataset.Usage.TEST)
                    .optResolution(config.size())
                    .optLimit(VALIDATION_IMAGES)
                    .setSampling(sequential)
                    .build();
            set.prepare();
            return set;
        }
        return new SyntheticImages(
                syntheticPool(config.size()),
                config.kind().channels,
                config.size(),
                config.kind().classes,
                VALIDATION_IMAGES,
                SEED + 1,
                sequential);
    }

    /**
     * The synthetic images (uniform [0, 1) floats), made once per JVM for the largest size and shared by
     * every engine; a smaller size reads the same pool in smaller images.
     */
    float[] syntheticPool(int size) {
        int per = Kind.PAPER.channels * size * size;
        if (syntheticPool == null || syntheticPool.length < SYNTHETIC_POOL * per) {
            float[] pool = new float[SYNTHETIC_POOL * per];
            SplittableRandom random = new SplittableRandom(SEED);
            for (int i = 0; i < pool.length; i++) {
                pool[i] = (float) random.nextDouble();
            }
            syntheticPool = pool;
        }
        return syntheticPool;
    }
}
