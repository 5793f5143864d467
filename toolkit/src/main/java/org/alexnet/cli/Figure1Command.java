package org.alexnet.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.alexnet.experiment.Figure1;
import org.alexnet.train.ConsoleProgress;
import org.alexnet.train.Preset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "figure1",
        sortOptions = false,
        abbreviateSynopsis = true,
        description = {
            "the paper's Figure 1: epochs until a four-layer convnet's training error first reaches 25%% (and",
            "10%%: Fashion-MNIST is easier than CIFAR-10) with ReLU and with tanh, each at its fastest learning rate;",
            "prints the tanh/ReLU ratio per seed and its mean ± sd (figure1.csv, figure1-summary.txt)"
        },
        footer =
                "re-running skips the runs in figure1.csv; docs/experiments.md explains how this differs from the paper's CIFAR-10 run")
final class Figure1Command extends Subcommand {

    @Option(
            names = "--learning-rates",
            paramLabel = "X,Y,...",
            split = ",",
            description = "the sweep, the same for both activations (default: 0.01,0.03,0.1)")
    List<Float> learningRates = new ArrayList<>(List.of(0.01f, 0.03f, 0.1f));

    @Option(names = "--seeds", paramLabel = "1,2,3", split = ",", description = "the seeds (default: 1,2,3)")
    List<Long> seeds = new ArrayList<>(List.of(1L, 2L, 3L));

    @Option(
            names = "--levels",
            paramLabel = "0.25,0.10",
            split = ",",
            description = "training-error levels, decreasing; a run stops at the last (default: 0.25,0.10)")
    List<Double> levels = new ArrayList<>(List.of(0.25, 0.10));

    @Option(
            names = "--window",
            paramLabel = "N",
            converter = Values.AtLeast1.class,
            description = "the moving window of the training error, in images (default: 6400, 50 batches of 128)")
    int window = 6400;

    @Option(
            names = "--preset",
            paramLabel = "NAME",
            completionCandidates = Presets.class,
            description = "${COMPLETION-CANDIDATES} (default: figure1-workshop)")
    String preset = Preset.FIGURE1_WORKSHOP.id();

    @Mixin
    DataOptions data;

    @Mixin
    EngineOptions engine;

    @Option(
            names = "--output",
            paramLabel = "DIR",
            description = "where the results go (default: runs/figure1-<preset>)")
    Path output;

    static final class Presets extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        Presets() {
            super(List.of(Preset.FIGURE1_WORKSHOP.id(), Preset.FIGURE1_SMOKE.id()));
        }
    }

    Figure1Command(PrintStream out, PrintStream err) {
        super(out, err);
    }

    @Override
    public Integer call() throws Exception {
        double[] lv = levels.stream().mapToDouble(Double::doubleValue).toArray();
        for (double l : lv) {
            if (!(l > 0 && l < 1)) {
                throw new UsageException("--levels are training-error fractions in (0, 1), e.g. 0.25,0.10");
            }
        }
        if (learningRates.stream().anyMatch(lr -> !(lr > 0))) {
            throw new UsageException("--learning-rates must be positive, e.g. 0.01,0.03,0.1");
        }
        Preset p = Preset.named(preset);
        Path dir = output != null ? output : Path.of("runs", "figure1-" + p.id());
        EngineOptions.Selection selection = engine.choose(1, out);
        new Figure1(
                        p.recipe(),
                        learningRates,
                        seeds,
                        lv,
                        window,
                        dir,
                        data.dataDir,
                        selection.engine().getEngineName(),
                        selection.devices()[0],
                        () -> List.of(new ConsoleProgress(out, System.console() != null)))
                .run(out);
        out.println("results: " + dir.resolve(Figure1.RESULTS));
        return 0;
    }
}
