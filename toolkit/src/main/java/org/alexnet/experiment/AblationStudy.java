package org.alexnet.experiment;

import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.alexnet.eval.Evaluation;
import org.alexnet.files.AtomicFiles;

/**
 * An ablation study on disk: the {@link Experiment} of the chosen arms and seeds, then its
 * {@link Summary} printed and saved next to the results ({@value #SUMMARY_CSV}, {@value #SUMMARY_TXT}),
 * and optionally the baseline's networks tested together as an ensemble (the paper's 5-CNN row).
 */
public final class AblationStudy {

    public static final String SUMMARY_CSV = "summary.csv";
    public static final String SUMMARY_TXT = "summary.txt";

    private final Ablations.Setup baseline;
    private final List<Arm<Ablations.Setup>> arms;
    private final List<Long> seeds;
    private final Path folder;
    private final AblationTrial trial;
    private final boolean ensemble;
    private final String description;

    /**
     * @param description what produced the study (command line, machine), written at the top of the summary
     */
    public AblationStudy(
            Ablations.Setup baseline,
            List<Arm<Ablations.Setup>> arms,
            List<Long> seeds,
            Path folder,
            AblationTrial trial,
            boolean ensemble,
            String description) {
        this.baseline = baseline;
        this.arms = arms;
        this.seeds = seeds;
        this.folder = folder;
        this.trial = trial;
        this.ensemble = ensemble;
        this.description = description;
    }

    /** The ensemble's line of the summary. */
    public record EnsembleResult(int networks, double top1Error, double top5Error, double singleTop1Error) {}

    /** What a finished study measured. */
    public record Outcome(List<Experiment.Result> results, Summary summary, EnsembleResult ensemble, String text) {}

    /** Runs what is missing, then summarises everything in the results file. */
    public Outcome run(PrintStream out) throws Exception {
        Experiment<Ablations.Setup> e = new Experiment<>(baseline, arms, seeds, folder, trial, Experiment.console(out));
        List<Experiment.Result> results = e.run();
        Summary summary = Summary.of(results, Ablations.BASELINE);
        EnsembleResult ens = null;
        if (ensemble) {
            Evaluation ev = trial.ensemble(baseline, folder, Ablations.BASELINE, seeds);
            ens = new EnsembleResult(
                    seeds.size(),
                    1 - ev.getTop1(),
                    1 - ev.getTop5(),
                    summary.line(Ablations.BASELINE).top1() / 100);
        }
        StringBuilder text = new StringBuilder();
        text.append(description).append('\n');
        text.append("baseline: ").append(baseline).append('\n');
        text.append("seeds: ")
                .append(seeds)
                .append("; errors in % of the test images, mean ± sd over seeds;")
                .append(" 'vs baseline' is the difference of means with Welch's 95% interval\n\n");
        text.append(summary);
        if (ens != null) {
            text.append(String.format(
                    Locale.ROOT,
                    "%nensemble of the baseline's %d networks (softmax averaged): top-1 error %.2f %%, top-5 %.2f %%"
                            + " (one network: %.2f %% on average)%n",
                    ens.networks(),
                    100 * ens.top1Error(),
                    100 * ens.top5Error(),
                    100 * ens.singleTop1Error()));
        }
        text.append("\nwhat each arm tests (the paper's claim):\n")
                .append(Ablations.claims(arms))
                .append('\n');
        AtomicFiles.write(folder.resolve(SUMMARY_TXT), text.toString().getBytes(StandardCharsets.UTF_8));
        writeCsv(summary, folder.resolve(SUMMARY_CSV));
        out.print(text);
        return new Outcome(results, summary, ens, text.toString());
    }

    private static void writeCsv(Summary summary, Path file) throws IOException {
        StringWriter w = new StringWriter();
        summary.toTable().write().csv(w);
        AtomicFiles.write(file, w.toString().getBytes(StandardCharsets.UTF_8));
    }
}
