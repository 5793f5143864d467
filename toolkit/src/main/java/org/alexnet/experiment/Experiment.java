package org.alexnet.experiment;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.alexnet.files.AtomicFiles;

/**
 * Runs every arm of an ablation study with several seeds at the same budget, one run after
 * another, and keeps the results in one CSV file ({@value #RESULTS}) so that the study can be
 * stopped and started again: finished runs are skipped, an interrupted one continues from its
 * checkpoint (each run has its own folder {@code <arm>/seed-<n>}).
 *
 * <p>Runs go seed by seed (every arm with the first seed, then the second...), so a study stopped
 * early still has comparable arms. Each result row records the run's setup; a results file made
 * with a different setup for an arm is refused rather than mixed in.
 *
 * @param <S> what a run is set up from; its {@code toString()} must describe it completely
 */
public final class Experiment<S> {

    /** The results file in the output folder. */
    public static final String RESULTS = "results.csv";

    private static final String HEADER = "arm,seed,top1_error,top5_error,epochs,seconds,setup";

    /** What the runner reports while it works. */
    public interface Listener {
        /** A run starts ({@code resumed}: it continues from its checkpoint). */
        default void onRunStart(int index, int total, String arm, long seed, boolean resumed) {}

        /** A run was found finished in the results file. */
        default void onRunSkipped(int index, int total, String arm, long seed) {}

        default void onRunEnd(int index, int total, String arm, long seed, Trial.Outcome outcome) {}
    }

    /** A listener that prints one line per run. */
    public static Listener console(PrintStream out) {
        return new Listener() {
            @Override
            public void onRunStart(int index, int total, String arm, long seed, boolean resumed) {
                out.printf(
                        Locale.ROOT,
                        "run %d/%d: %s, seed %d%s%n",
                        index,
                        total,
                        arm,
                        seed,
                        resumed ? " (continuing)" : "");
            }

            @Override
            public void onRunSkipped(int index, int total, String arm, long seed) {
                out.printf(Locale.ROOT, "run %d/%d: %s, seed %d already done%n", index, total, arm, seed);
            }

            @Override
            public void onRunEnd(int index, int total, String arm, long seed, Trial.Outcome o) {
                out.printf(
                        Locale.ROOT,
                        "run %d/%d: %s, seed %d: top-1 error %.4f, top-5 error %.4f, %.0f s%n",
                        index,
                        total,
                        arm,
                        seed,
                        o.top1Error(),
                        o.top5Error(),
                        o.seconds());
            }
        };
    }

    private final S baseline;
    private final List<Arm<S>> arms;
    private final List<Long> seeds;
    private final Path folder;
    private final Trial<S> trial;
    private final Listener listener;

    public Experiment(S baseline, List<Arm<S>> arms, List<Long> seeds, Path folder, Trial<S> trial, Listener listener) {
        this.baseline = Objects.requireNonNull(baseline);
        this.arms = List.copyOf(arms);
        this.seeds = List.copyOf(seeds);
        this.folder = folder;
        this.trial = trial;
        this.listener = listener;
        Set<String> names = new LinkedHashSet<>();
        for (Arm<S> arm : arms) {
            if (!names.add(arm.name())) {
                throw new IllegalArgumentException("arm '" + arm.name() + "' is listed twice");
            }
        }
        if (seeds.isEmpty() || arms.isEmpty()) {
            throw new IllegalArgumentException("an experiment needs at least one arm and one seed");
        }
        if (new LinkedHashSet<>(seeds).size() != seeds.size()) {
            throw new IllegalArgumentException("a seed is listed twice: " + seeds);
        }
    }

    /** The setup the named arm trains. */
    public S setupOf(Arm<S> arm) {
        return arm.change().apply(baseline);
    }

    /** Runs what is not done yet and returns every result row, finished earlier or now. */
    public List<Result> run() throws Exception {
        Files.createDirectories(folder);
        List<Result> results = new ArrayList<>(read(folder.resolve(RESULTS)));
        for (Result r : results) {
            Arm<S> arm = arms.stream()
                    .filter(a -> a.name().equals(r.arm()))
                    .findFirst()
                    .orElse(null);
            if (arm != null && !setupOf(arm).toString().equals(r.setup())) {
                throw new IllegalStateException(folder.resolve(RESULTS) + " holds arm '" + r.arm()
                        + "' trained with a different setup: use another output folder for a changed experiment");
            }
        }
        int total = arms.size() * seeds.size();
        int index = 0;
        for (long seed : seeds) {
            for (Arm<S> arm : arms) {
                index++;
                if (find(results, arm.name(), seed) != null) {
                    listener.onRunSkipped(index, total, arm.name(), seed);
                    continue;
                }
                Path runFolder = folder.resolve(arm.name()).resolve("seed-" + seed);
                boolean resumed = Files.isDirectory(runFolder) && !isEmpty(runFolder);
                listener.onRunStart(index, total, arm.name(), seed, resumed);
                S setup = setupOf(arm);
                Trial.Outcome o = trial.run(setup, seed, runFolder);
                // Seconds as the file keeps them (0.1 s), so the rows returned equal the rows read back.
                Result r = new Result(
                        arm.name(),
                        seed,
                        o.top1Error(),
                        o.top5Error(),
                        o.epochs(),
                        Math.round(o.seconds() * 10) / 10.0,
                        setup.toString());
                results.add(r);
                write(folder.resolve(RESULTS), results);
                listener.onRunEnd(index, total, arm.name(), seed, o);
            }
        }
        return results;
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    private static Result find(List<Result> results, String arm, long seed) {
        return results.stream()
                .filter(r -> r.arm().equals(arm) && r.seed() == seed)
                .findFirst()
                .orElse(null);
    }

    /** One finished run. */
    public record Result(
            String arm, long seed, double top1Error, double top5Error, int epochs, double seconds, String setup) {}

    /** Reads a results file (none yet: an empty list). */
    public static List<Result> read(Path file) throws IOException {
        List<Result> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            throw new IOException(
                    file + " is not an experiment's results file (its first line should be '" + HEADER + "')");
        }
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",", 7);
            if (f.length != 7) {
                throw new IOException(file + " line " + (i + 1) + " has " + f.length + " fields, expected 7");
            }
            try {
                out.add(new Result(
                        f[0],
                        Long.parseLong(f[1]),
                        Double.parseDouble(f[2]),
                        Double.parseDouble(f[3]),
                        Integer.parseInt(f[4]),
                        Double.parseDouble(f[5]),
                        unquote(f[6])));
            } catch (NumberFormatException e) {
                throw new IOException(file + " line " + (i + 1) + " has a field that is not a number: " + line);
            }
        }
        return out;
    }

    static void write(Path file, List<Result> results) throws IOException {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (Result r : results) {
            // Errors at full precision, so a summary read back from the file equals one made during the run.
            sb.append(String.format(
                    Locale.ROOT,
                    "%s,%d,%s,%s,%d,%.1f,%s%n",
                    r.arm(),
                    r.seed(),
                    r.top1Error(),
                    r.top5Error(),
                    r.epochs(),
                    r.seconds(),
                    quote(r.setup())));
        }
        AtomicFiles.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String quote(String s) {
        return '"' + s.replace("\"", "\"\"").replace("\n", " ") + '"';
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
            return s.substring(1, s.length() - 1).replace("\"\"", "\"");
        }
        return s;
    }
}
