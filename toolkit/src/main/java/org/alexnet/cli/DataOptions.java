package org.alexnet.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --data-dir}, declared once for the commands that read a dataset. */
final class DataOptions {

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = {
                "the dataset's folder: Fashion-MNIST's four .gz files (default: searched for as README describes), or the"
                        + " ImageNet folder holding train/ and val/ (see datasets/README.md; evaluate and --resume default to"
                        + " the one the run was trained on)"
            })
    Path dataDir;
}
