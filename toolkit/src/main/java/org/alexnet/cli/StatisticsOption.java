package org.alexnet.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --statistics}, declared once for the commands that open a trained model. */
final class StatisticsOption {

    @Option(
            names = "--statistics",
            paramLabel = "FILE",
            description =
                    "the mean-image file of an ImageNet run (default: the one the run recorded, else the cache beside its data)")
    Path file;
}
