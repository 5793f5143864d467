package org.alexnet.cli;

import ai.djl.engine.Engine;
import java.io.PrintStream;
import java.nio.file.Path;
import org.alexnet.predict.TorchvisionImport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "import-torchvision",
        sortOptions = false,
        abbreviateSynopsis = true,
        description = {
            "turn torchvision's ImageNet AlexNet weights (a .npz made by scripts/alexnet_torch.py convert)"
                    + " into an exported model folder with ImageNet's class names, for predict and the notebooks"
        })
final class ImportTorchvisionCommand extends Subcommand {

    @Option(names = "--weights", paramLabel = "FILE", required = true, description = "the converted weights (.npz)")
    Path weights;

    @Option(
            names = "--output",
            paramLabel = "DIR",
            required = true,
            description = "the folder to write (its model files are replaced)")
    Path output;

    @Mixin
    EngineOptions engine;

    ImportTorchvisionCommand(PrintStream out, PrintStream err) {
        super(out, err);
    }

    @Override
    public Integer call() throws Exception {
        ExportCommand.refuseFile(output);
        Engine e = engine.select();
        out.println("wrote " + TorchvisionImport.run(weights, output, e.getEngineName()));
        return 0;
    }
}
