package org.alexnet.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.alexnet.data.imagenet.ImageNetSample;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "sample",
        sortOptions = false,
        abbreviateSynopsis = true,
        description = {
            "write a small dataset in the ImageNet layout (from Fashion-MNIST images)",
            "as DIR/train/<wnid>/*.JPEG, DIR/val/... and DIR/synsets.txt, coloured and scaled to photo-like sizes;",
            "unless --no-odd-files, train/n00000000 also gets grayscale, CMYK and PNG-named-JPEG files and",
            "three broken ones, as real ImageNet has"
        })
final class SampleCommand extends Subcommand {

    @Option(
            names = "--output",
            paramLabel = "DIR",
            required = true,
            description = "the folder to write (must hold no dataset)")
    Path output;

    @Option(
            names = "--classes",
            paramLabel = "N",
            defaultValue = "" + ImageNetSample.Builder.DEFAULT_CLASSES,
            converter = Values.AtLeast1.class,
            description = "classes (default ${DEFAULT-VALUE})")
    int classes;

    @Option(
            names = "--train-per-class",
            paramLabel = "N",
            defaultValue = "" + ImageNetSample.Builder.DEFAULT_TRAIN_PER_CLASS,
            converter = Values.AtLeast1.class,
            description = "training images per class (default ${DEFAULT-VALUE})")
    int trainPerClass;

    @Option(
            names = "--val-per-class",
            paramLabel = "N",
            defaultValue = "" + ImageNetSample.Builder.DEFAULT_VALIDATION_PER_CLASS,
            converter = Values.AtLeast1.class,
            description = "validation images per class (default ${DEFAULT-VALUE})")
    int valPerClass;

    @Option(
            names = "--min-side",
            paramLabel = "N",
            defaultValue = "" + ImageNetSample.Builder.DEFAULT_MIN_SIDE,
            converter = Values.AtLeast1.class,
            description = "shortest shorter side in pixels (default ${DEFAULT-VALUE})")
    int minSide;

    @Option(
            names = "--max-side",
            paramLabel = "N",
            defaultValue = "" + ImageNetSample.Builder.DEFAULT_MAX_SIDE,
            converter = Values.AtLeast1.class,
            description = "longest shorter side in pixels (default ${DEFAULT-VALUE})")
    int maxSide;

    @Option(names = "--flat-val", description = "one flat val/ folder with val_labels.csv instead of class folders")
    boolean flatVal;

    @Option(names = "--no-odd-files", description = "no grayscale, CMYK, PNG-named or broken files")
    boolean noOddFiles;

    @Option(
            names = "--seed",
            paramLabel = "N",
            defaultValue = "" + ImageNetSample.Builder.DEFAULT_SEED,
            description = "random seed (default ${DEFAULT-VALUE})")
    long seed;

    @Mixin
    DataOptions data;

    SampleCommand(PrintStream out, PrintStream err) {
        super(out, err);
    }

    @Override
    public Integer call() throws Exception {
        if (Files.exists(output) && !Files.isDirectory(output)) {
            throw new UsageException(output + " is a file, not a folder: choose another --output");
        }
        if (Files.exists(output.resolve("train")) || Files.exists(output.resolve("val"))) {
            throw new UsageException(output + " already holds a dataset (train/ or val/): choose another --output,"
                    + " or delete it first");
        }
        ImageNetSample.Builder b = ImageNetSample.builder()
                .optClasses(classes)
                .optTrainPerClass(trainPerClass)
                .optValidationPerClass(valPerClass)
                .optShorterSide(minSide, maxSide)
                .optFlatValidation(flatVal)
                .optOddFiles(!noOddFiles)
                .optSeed(seed);
        if (data.dataDir != null) {
            b.optFashionMnistDirectory(data.dataDir);
        }
        ImageNetSample sample = b.build();
        sample.write(output);
        out.println("wrote " + output + ": " + sample.describe());
        return 0;
    }
}
