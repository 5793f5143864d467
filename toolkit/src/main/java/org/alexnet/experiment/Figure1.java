package org.alexnet.experiment;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.TrainingDivergedException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.alexnet.files.AtomicFiles;
import org.alexnet.model.ActivationKind;
import org.alexnet.model.ModelSpec;
import org.alexnet.train.FashionMnistData;
import org.alexnet.train.ProgressListener;
import org.alexnet.train.Recipe;
import org.alexnet.train.StopSignal;
import org.alexnet.train.Training;
import org.alexnet.train.TrainingInterruptedException;

/**
 * The paper's Figure 1 as it was made: the four-layer convolutional network ({@link
 * org.alexnet.model.FourLayerNet}) without regularisation, trained with ReLUs and with tanh units, each
 * with a small sweep of learning rates; a run stops when its training error (over a moving window of
 * the batches as they are trained, {@link ThresholdListener}) first reaches the last level. For each
 * seed and level the fastest learning rate of each activation is taken, and the ratio tanh/ReLU of
 * their epochs reported, with its mean ± sd over seeds.
 *
 * <p>Runs are kept in {@value #RESULTS}; re-running skips the runs found there (a run takes minutes, so
 * an interrupted one starts again rather than resuming).
 */
public final class Figure1 {

    public static final String RESULTS = "figure1.csv";
    public static final String SUMMARY = "figure1-summary.txt";
    private static final String HEADER = "activation,lr,seed,level,epochs_to_level,epochs_trained,seconds";

    /** One run's epochs to one level (NaN: not reached, or the run diverged). */
    public record Row(
            String activation,
            float lr,
            long seed,
            double level,
            double epochs,
            double epochsTrained,
            double seconds) {}

    /** The ratio at one level. */
    public record Ratio(double level, List<Long> seeds, List<Double> ratios, List<String> bestLrs) {
        public double mean() {
            return Statistics.mean(ratios.stream().filter(r -> !r.isNaN()).toList());
        }

        public double sd() {
            return Statistics.sd(ratios.stream().filter(r -> !r.isNaN()).toList());
        }
    }

    private final Recipe recipe;
    private final List<Float> learningRates;
    private final List<Long> seeds;
    private final double[] levels;
    private final int windowImages;
    private final Path folder;
    private final Path dataDir;
    private final String engine;
    private final Device device;
    private final Supplier<List<ProgressListener>> progress;

    /**
     * @param levels training-error levels, decreasing (the paper: 0.25)
     * @param windowImages the moving window of the training error, in images
     */
    public Figure1(
            Recipe recipe,
            List<Float> learningRates,
            List<Long> seeds,
            double[] levels,
            int windowImages,
            Path folder,
            Path dataDir,
            String engine,
            Device device,
            Supplier<List<ProgressListener>> progress) {
        for (int i = 1; i < levels.length; i++) {
            if (!(levels[i] < levels[i - 1])) {
                throw new IllegalArgumentException("levels must decrease, e.g. 0.25,0.10");
            }
        }
        if (learningRates.isEmpty() || seeds.isEmpty() || levels.length == 0) {
            throw new IllegalArgumentException("Figure 1 needs at least one learning rate, seed and level");
        }
        this.recipe = recipe;
        this.learningRates = List.copyOf(learningRates);
        this.seeds = List.copyOf(seeds);
        this.levels = levels.clone();
        this.windowImages = windowImages;
        this.folder = folder;
        this.dataDir = dataDir;
        this.engine = engine;
        this.device = device;
        this.progress = progress;
    }

    /** Runs what is missing, writes the results and the summary, and returns the ratios by level. */
    public List<Ratio> run(PrintStream out) throws Exception {
        Files.createDirectories(folder);
        List<Row> rows = new ArrayList<>(read(folder.resolve(RESULTS)));
        int total = seeds.size() * 2 * learningRates.size();
        int index = 0;
        for (long seed : seeds) {
            for (ActivationKind act : List.of(ActivationKind.RELU, ActivationKind.TANH)) {
                for (float lr : learningRates) {
                    index++;
                    String name = act.name().toLowerCase(Locale.ROOT);
                    if (rows.stream().anyMatch(r -> r.activation().equals(name) && r.lr() == lr && r.seed() == seed)) {
                        out.printf(
                                Locale.ROOT,
                                "run %d/%d: %s, lr %s, seed %d already done%n",
                                index,
                                total,
                                name,
                                lr,
                                seed);
                        continue;
                    }
                    out.printf(Locale.ROOT, "run %d/%d: %s, lr %s, seed %d%n", index, total, name, lr, seed);
                    List<Row> run = train(act, lr, seed);
                    rows.addAll(run);
                    write(folder.resolve(RESULTS), rows);
                    out.println("  epochs to " + describe(run));
                }
            }
        }
        List<Ratio> ratios = ratios(rows, seeds, levels);
        String text = summary(ratios);
        AtomicFiles.write(folder.resolve(SUMMARY), text.getBytes(StandardCharsets.UTF_8));
        out.print(text);
        return ratios;
    }

    private String describe(List<Row> run) {
        List<String> parts = new ArrayList<>();
        for (Row r : run) {
            parts.add(String.format(
                    Locale.ROOT,
                    "%.0f%% error: %s",
                    100 * r.level(),
                    Double.isNaN(r.epochs()) ? "not reached" : String.format(Locale.ROOT, "%.2f", r.epochs())));
        }
        return String.join(", ", parts);
    }

    /** One run: trains until the last level is reached (or the budget ends) and returns a row per level. */
    List<Row> train(ActivationKind act, float lr, long seed) throws Exception {
        ModelSpec spec = ModelSpec.of(ModelSpec.Variant.CONVNET4, 10, 1).withActivation(act);
        Recipe r = recipe.toBuilder().learningRate(lr).seed(seed).build();
        FashionMnistData data = new FashionMnistData(dataDir);
        int images = r.getTrainSubset() > 0 ? r.getTrainSubset() : 60_000;
        int batchesPerEpoch = (int) Math.ceil((double) images / r.getBatchSize());
        StopSignal stop = new StopSignal();
        ThresholdListener threshold =
                new ThresholdListener(levels, Math.min(windowImages, images), batchesPerEpoch, stop);
        long start = System.nanoTime();
        double trained;
        try (Model model = Training.newModel(spec, engine, device)) {
            Training.Builder b = Training.builder()
                    .setModel(model, spec)
                    .setData(data)
                    .setRecipe(r)
                    .optDevices(device)
                    .addTrainingListener(threshold)
                    .optStopSignal(stop);
            progress.get().forEach(b::addListener);
            try {
                trained = b.build().fit().size();
            } catch (TrainingInterruptedException e) {
                trained = threshold.reached()[levels.length - 1]; // stopped at the last level: the intended end
            } catch (TrainingDivergedException e) {
                trained = Double.NaN; // too high a learning rate: it reached nothing more
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double[] reached = threshold.reached();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < levels.length; i++) {
            rows.add(new Row(
                    act.name().toLowerCase(Locale.ROOT),
                    lr,
                    seed,
                    levels[i],
                    reached[i],
                    trained,
                    Math.round(seconds * 10) / 10.0));
        }
        return rows;
    }

    /** For each level: per seed the fastest lr of each activation and the ratio of their epochs (tanh / relu). */
    public static List<Ratio> ratios(List<Row> rows, List<Long> seeds, double[] levels) {
        List<Ratio> out = new ArrayList<>();
        for (double level : levels) {
            List<Double> ratios = new ArrayList<>();
            List<String> best = new ArrayList<>();
            for (long seed : seeds) {
                Row relu = fastest(rows, "relu", seed, level);
                Row tanh = fastest(rows, "tanh", seed, level);
                ratios.add(relu == null || tanh == null ? Double.NaN : tanh.epochs() / relu.epochs());
                best.add("relu " + (relu == null ? "-" : relu.lr()) + ", tanh " + (tanh == null ? "-" : tanh.lr()));
            }
            out.add(new Ratio(level, seeds, ratios, best));
        }
        return out;
    }

    private static Row fastest(List<Row> rows, String act, long seed, double level) {
        return rows.stream()
                .filter(r -> r.activation().equals(act)
                        && r.seed() == seed
                        && r.level() == level
                        && !Double.isNaN(r.epochs()))
                .min(Comparator.comparingDouble(Row::epochs))
                .orElse(null);
    }

    /** The summary text: per level the ratio per seed and its mean ± sd. */
    public static String summary(List<Ratio> ratios) {
        StringBuilder sb = new StringBuilder("Figure 1: epochs until the training error first reaches a level,"
                + " tanh / ReLU, each at its fastest learning rate (the paper: about 6 at 25% on CIFAR-10)\n");
        for (Ratio r : ratios) {
            sb.append(String.format(
                    Locale.ROOT,
                    "%.0f%% training error: ratio %s",
                    100 * r.level(),
                    Double.isNaN(r.mean())
                            ? "n/a (a level was not reached)"
                            : Double.isNaN(r.sd())
                                    ? String.format(Locale.ROOT, "%.2f", r.mean())
                                    : String.format(Locale.ROOT, "%.2f ± %.2f", r.mean(), r.sd())));
            sb.append(" over seeds").append('\n');
            for (int i = 0; i < r.seeds().size(); i++) {
                sb.append(String.format(
                        Locale.ROOT,
                        "  seed %d: %s (best lr: %s)%n",
                        r.seeds().get(i),
                        r.ratios().get(i).isNaN()
                                ? "n/a"
                                : String.format(Locale.ROOT, "%.2f", r.ratios().get(i)),
                        r.bestLrs().get(i)));
            }
        }
        return sb.toString();
    }

    /** Reads a results file (none yet: empty). */
    public static List<Row> read(Path file) throws IOException {
        List<Row> rows = new ArrayList<>();
        if (!Files.exists(file)) {
            return rows;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            throw new IOException(file + " is not a Figure 1 results file (its first line should be '" + HEADER + "')");
        }
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",");
            rows.add(new Row(
                    f[0],
                    Float.parseFloat(f[1]),
                    Long.parseLong(f[2]),
                    Double.parseDouble(f[3]),
                    Double.parseDouble(f[4]),
                    Double.parseDouble(f[5]),
                    Double.parseDouble(f[6])));
        }
        return rows;
    }

    private static void write(Path file, List<Row> rows) throws IOException {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (Row r : rows) {
            sb.append(String.format(
                    Locale.ROOT,
                    "%s,%s,%d,%s,%s,%s,%s%n",
                    r.activation(),
                    r.lr(),
                    r.seed(),
                    r.level(),
                    r.epochs(),
                    r.epochsTrained(),
                    r.seconds()));
        }
        AtomicFiles.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
    }
}
