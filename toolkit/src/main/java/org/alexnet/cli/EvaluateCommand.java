package org.alexnet.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import org.alexnet.data.DatasetException;
import org.alexnet.data.imagenet.ImageNetLayout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "evaluate",
        sortOptions = false,
        abbreviateSynopsis = true,
        description = {
            "evaluate a checkpoint on the test set (ImageNet: centre crop and 10 crops)",
            "at the resolution it was trained with; prints top-1, top-5 and per-class accuracy"
        })
final class EvaluateCommand extends Subcommand {

    @Option(
            names = "--checkpoint",
            paramLabel = "FILE|DIR",
            required = true,
            description = "the checkpoint to evaluate; a run's folder means its last.ckpt")
    Path checkpoint;

    @Mixin
    DataOptions data;

    @Mixin
    EngineOptions engine;

    @Option(
            names = "--batch",
            paramLabel = "N",
            converter = Values.AtLeast1.class,
            description = "batch size (default: the run's)")
    Integer batch;

    @Option(names = "--no-ten-crop", description = "ImageNet: skip the 10-crop evaluation")
    boolean noTenCrop;

    EvaluateCommand(PrintStream out, PrintStream err) {
        super(out, err);
    }

    @Override
    public Integer call() throws Exception {
        Runs.Saved saved = Runs.readCheckpoint(checkpoint);
        EngineOptions.Selection selection = engine.choose(1, out); // the rule train used
        if (!saved.isImageNet()) {
            Runs.evaluateFashionMnist(saved, data.dataDir, batch, selection, out);
            return 0;
        }
        Path root = saved.state().imageNet().rootOr(data.dataDir);
        int classes = saved.spec().getClasses();
        ImageNetLayout layout = ImageNetLayout.read(root, classes);
        if (layout.getClassCount() != classes) {
            throw new DatasetException(
                    root, "the checkpoint has " + classes + " classes but " + root + " has " + layout.getClassCount());
        }
        Runs.evaluateImageNet(saved, layout, batch, !noTenCrop, selection, out);
        return 0;
    }
}
