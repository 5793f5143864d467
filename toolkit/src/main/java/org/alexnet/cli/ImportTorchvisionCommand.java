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

    @Mixin
    ModelFolderOption output;

    @Mixin
    EngineOptions engine;

    ImportTorchvisionCommand(PrintStream out, PrintStream err) {
        super(out, err);
    }

    @Override
    public Integer call() throws Exception {
        Path folder = output.checked();
        Engine e = engine.select();
        out.println("wrote " + TorchvisionImport.run(weights, folder, e.getEngineName()));
        return 0;
    }
}
