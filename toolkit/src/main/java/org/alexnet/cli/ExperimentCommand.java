package org.alexnet.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.alexnet.data.imagenet.ImageNetLayout;
import org.alexnet.experiment.AblationStudy;
import org.alexnet.experiment.AblationTrial;
import org.alexnet.experiment.Ablations;
import org.alexnet.train.ConsoleProgress;
import org.alexnet.train.ImageNetData;
import org.alexnet.train.Preset;
import org.alexnet.train.Recipe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "experiment",
        sortOptions = false,
        abbreviateSynopsis = true,
        description = {
            "the paper's ablations against a baseline, several seeds each at the same budget:",
            "one results.csv, a summary (mean ± sd, difference from the baseline with a 95%% interval)",
            "in summary.txt/summary.csv; re-running skips finished runs and continues an interrupted one"
        },
        footer = {
            "arms: baseline, no-lrn, plain-pooling, no-dropout, tanh, one-tower-half, no-conv3, no-augmentation,"
                    + " centre-test (tests the baseline's networks on the centre patch: nothing is trained for it)",
            "docs/experiments.md says which claim of the paper each arm tests. Ctrl-C stops after the current batch"
                    + " with a checkpoint; the same command continues."
        })
final class ExperimentCommand extends Subcommand {

    @Option(
            names = "--arms",
            paramLabel = "A,B,...",
            split = ",",
            description = "the arms to run (default: all); the baseline is always included")
    List<String> arms;

    @Option(
            names = "--seeds",
            paramLabel = "1,2,3",
            split = ",",
            description = "the seeds, one run per arm each (default: 1,2,3)")
    List<Long> seeds = new ArrayList<>(List.of(1L, 2L, 3L));

    @Option(
            names = "--preset",
            paramLabel = "NAME",
            completionCandidates = Presets.class,
            description = "the budget of every run: ${COMPLETION-CANDIDATES} (default: ablation-workshop)")
    String preset = Preset.ABLATION_WORKSHOP.id();

    @Option(
            names = "--dataset",
            paramLabel = "NAME",
            description = "fashion-mnist (default) or imagenet (needs --data-dir)")
    String dataset = "fashion-mnist";

    @Mixin
    DataOptions data;

    @Mixin
    EngineOptions engine;

    @Option(
            names = "--output",
            paramLabel = "DIR",
            description =
                    "the study's folder: results.csv, summaries and one folder per run (default: runs/ablations-<dataset>-<preset>)")
    Path output;

    @Option(
            names = "--ensemble",
            description = "also test the baseline's networks together, softmax averaged (the paper's 5-CNN row)")
    boolean ensemble;

    /** The study presets, for help and completion. */
    static final class Presets extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        Presets() {
            super(List.of(Preset.ABLATION_WORKSHOP.id(), Preset.ABLATION_LIVE.id(), Preset.ABLATION_SMOKE.id()));
        }
    }

    /** The command's arguments as given, for the summary's first line. */
    private List<String> arguments() {
        List<String> args = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
        if (!args.isEmpty() && args.get(0).equals(spec.name())) {
            args.remove(0);
        }
        return args;
    }

    ExperimentCommand(PrintStream out, PrintStream err) {
        super(out, err);
    }

    @Override
    public Integer call() throws Exception {
        if (seeds.isEmpty() || seeds.stream().distinct().count() != seeds.size()) {
            throw new UsageException("--seeds needs distinct seeds, e.g. --seeds 1,2,3");
        }
        Recipe recipe = Preset.named(preset).recipe();
        var chosen = Ablations.arms(arms == null ? Ablations.names() : arms);
        boolean imagenet;
        switch (dataset.toLowerCase(Locale.ROOT)) {
            case "fashion-mnist" -> imagenet = false;
            case "imagenet" -> imagenet = true;
            default -> throw new UsageException("unknown --dataset '" + dataset + "': use fashion-mnist or imagenet");
        }
        if (imagenet && data.dataDir == null) {
            throw new UsageException("--dataset imagenet needs --data-dir DIR, the folder holding train/ and val/"
                    + " (see datasets/README.md)");
        }
        Path dir = output != null
                ? output
                : Path.of(
                        "runs",
                        "ablations-" + dataset + "-" + Preset.named(preset).id());
        EngineOptions.Selection selection = engine.choose(1, out);
        Ablations.Setup baseline;
        AblationTrial.StudyData source;
        if (imagenet) {
            ImageNetLayout layout = ImageNetLayout.read(data.dataDir);
            out.println(layout);
            Map<Boolean, ImageNetData> sets = new LinkedHashMap<>();
            source = AblationTrial.imageNet(lighting -> sets.computeIfAbsent(
                    lighting,
                    l -> ImageNetData.builder()
                            .setLayout(layout)
                            .optLighting(l)
                            .optReporter(out::println)
                            // The study uses DJL's default initialisation, which needs inputs near 0..1 (see train).
                            .optPixelScale(ImageNetData.SMALL_SET_PIXEL_SCALE)
                            .build()));
            baseline = Ablations.imageNetBaseline(layout.getClassCount(), recipe);
        } else {
            source = AblationTrial.fashionMnist(data.dataDir);
            baseline = Ablations.fashionMnistBaseline(recipe);
        }
        Runs.checkFits(baseline.spec(), recipe);
        if (seeds.size() < 3) {
            out.println("note: fewer than 3 seeds: the summary's intervals will be wide or missing");
        }
        String description = String.format(
                Locale.ROOT,
                "alexnet experiment %s%n%s %s on %d cores; preset %s: %s",
                String.join(" ", arguments()),
                selection.engine().getEngineName(),
                selection.engine().getVersion(),
                Runtime.getRuntime().availableProcessors(),
                Preset.named(preset).id(),
                Preset.named(preset).reason());
        try (Main.CtrlC ctrlC = new Main.CtrlC(err)) {
            AblationTrial trial = new AblationTrial(
                    source,
                    selection.engine().getEngineName(),
                    selection.devices(),
                    () -> List.of(new ConsoleProgress(out, System.console() != null)),
                    ctrlC.signal);
            new AblationStudy(baseline, chosen, seeds, dir, trial, ensemble, description).run(out);
        }
        out.println("results: " + dir.resolve("results.csv") + ", summary: " + dir.resolve(AblationStudy.SUMMARY_TXT));
        return 0;
    }
}
