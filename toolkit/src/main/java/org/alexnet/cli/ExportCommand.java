package org.alexnet.cli;

import ai.djl.engine.Engine;
import java.io.PrintStream;
import java.nio.file.Path;
import org.alexnet.predict.Export;
import org.alexnet.predict.TrainedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "export",
        sortOptions = false,
        abbreviateSynopsis = true,
        description = {
            "write a trained model as files other tools load: DJL's parameter file with the model's spec,"
                    + " input processing and class names, and the same parameters under PyTorch's names (docs/use-a-trained-model.md)"
        })
final class ExportCommand extends Subcommand {

    @Option(
            names = "--model",
            paramLabel = "PATH",
            required = true,
            description = "a checkpoint, a run folder (its best, else last checkpoint) or torchvision weights as .npz")
    Path model;

    @Mixin
    ModelFolderOption output;

    @Mixin
    StatisticsOption statistics;

    @Mixin
    EngineOptions engine;

    ExportCommand(PrintStream out, PrintStream err) {
        super(out, err);
    }

    @Override
    public Integer call() throws Exception {
        Path folder = output.checked();
        Engine e = engine.select();
        try (TrainedModel m = TrainedModel.open(model, statistics.file, e.getEngineName())) {
            out.println("wrote " + Export.run(m, folder));
        }
        return 0;
    }
}
