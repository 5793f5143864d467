package org.alexnet.cli;

import ai.djl.engine.Engine;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.alexnet.files.AtomicFiles;
import org.alexnet.predict.Predict;
import org.alexnet.predict.PredictionTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "predict",
        sortOptions = false,
        abbreviateSynopsis = true,
        description = {
            "the top classes of a trained model for image files, each processed as its model was trained",
            "(docs/use-a-trained-model.md); an unreadable image gets a one-line row and the others go on"
        },
        footer = "Exit codes: 0 every image predicted, 1 an image could not be read or the model not loaded, 2 usage.")
final class PredictCommand extends Subcommand {

    @Option(
            names = "--model",
            paramLabel = "PATH",
            required = true,
            description = {
                "a checkpoint (best.ckpt, last.ckpt),"
                        + " a run folder (its best, else last checkpoint), an exported model folder, or torchvision weights as .npz"
            })
    Path model;

    @Parameters(
            paramLabel = "IMAGE",
            arity = "1..*",
            description = "image files and folders (searched recursively for jpg, jpeg, png, bmp, gif)")
    List<Path> images;

    @Option(
            names = "--ten-crop",
            description = "average over the paper's ten patches instead of the central one (ImageNet models)")
    boolean tenCrop;

    @Option(
            names = "--top",
            paramLabel = "N",
            defaultValue = "" + Predict.Options.DEFAULT_TOP,
            converter = Values.AtLeast1.class,
            description = "classes listed per image (default ${DEFAULT-VALUE})")
    int top;

    @Option(
            names = "--csv",
            paramLabel = "FILE",
            description = "also write the table as CSV: image,rank,class,name,probability,error")
    Path csv;

    @Mixin
    StatisticsOption statistics;

    @Mixin
    EngineOptions engine;

    PredictCommand(PrintStream out, PrintStream err) {
        super(out, err);
    }

    @Override
    public Integer call() throws Exception {
        Engine e = engine.select(); // its threads set before it loads
        boolean console = System.console() != null;
        PredictionTable table = Predict.run(Predict.options(model, images)
                .optTenCrop(tenCrop)
                .optTop(top)
                .optStatistics(statistics.file)
                .optEngine(e.getEngineName())
                .optProgress(line -> {
                    if (console) {
                        err.print("\r" + line + "\033[K");
                    }
                }));
        if (console) {
            err.print("\r\033[K");
        }
        out.print(table.toTable());
        if (csv != null) {
            AtomicFiles.write(csv, table.toCsv().getBytes(StandardCharsets.UTF_8)); // whole or not at all
        }
        return table.failures() == 0 ? 0 : 1;
    }
}
