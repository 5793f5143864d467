package org.alexnet.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --output} of the commands that write a model folder (export, import-torchvision), declared once. */
final class ModelFolderOption {

    @Option(
            names = "--output",
            paramLabel = "DIR",
            required = true,
            description = "the folder to write (its model files are replaced)")
    Path folder;

    /** The folder, refused with one line when it is a file. */
    Path checked() {
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new UsageException(folder + " is a file, not a folder: choose another --output");
        }
        return folder;
    }
}
