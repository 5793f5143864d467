package org.alexnet.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.alexnet.data.DatasetException;
import org.alexnet.data.FashionMnist;
import org.alexnet.data.imagenet.ImageNetLayout;
import org.alexnet.model.ModelSpec;
import org.alexnet.train.ImageNetData;
import org.alexnet.train.Preset;
import org.alexnet.train.Recipe;
import org.alexnet.train.RunFolder;
import org.alexnet.train.RunState;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

@Command(
        name = "train",
        sortOptions = false,
        abbreviateSynopsis = true,
        description =
                "train a model on Fashion-MNIST or ImageNet (checkpoints every epoch and on Ctrl-C, --resume continues exactly)",
        footer = {
            "Ctrl-C stops after the current batch and saves a checkpoint that --resume continues from.",
            "Only one run at a time can use an output folder. Exit codes: 0 done, 1 failed, 2 usage, 130 interrupted."
        })
final class TrainCommand extends Subcommand {

    static final List<String> DATASETS = List.of("fashion-mnist", "imagenet");

    @Option(names = "--dataset", paramLabel = "NAME", description = "fashion-mnist (default) or imagenet")
    String dataset;

    @Mixin
    DataOptions data;

    @Mixin
    ModelOptions model;

    @Mixin
    EngineOptions engine;

    @Option(
            names = "--gpus",
            paramLabel = "N",
            converter = Values.AtLeast0.class,
            description = "use at most N GPUs (default: all the engine sees; 0 = CPU)")
    Integer gpus;

    @Option(
            names = "--output",
            paramLabel = "DIR",
            description = {
                "checkpoints and history.csv (default runs/<dataset>-<model>,"
                        + " or -2, -3, ... when that holds a run); a folder holding a run is refused unless --resume or --overwrite"
            })
    Path output;

    @Option(
            names = "--resume",
            description = {
                "continue the run in --output (exactly where it stopped, even mid-epoch);"
                        + " only --lr (from now on), --epochs (to extend it), --schedule and --patience may change"
            })
    boolean resume;

    @Option(names = "--overwrite", description = "start a new run in --output, deleting the run already there")
    boolean overwrite;

    @Option(
            names = "--augment",
            description = {
                "Fashion-MNIST: train on random crops of the images enlarged by 256/224"
                        + " and their mirror images, as the paper did (validation on the centre crop); ImageNet always augments"
            })
    boolean augment;

    @ArgGroup(validate = false, heading = "%nRecipe (defaults are the preset's):%n", order = 1)
    RecipeOptions recipeOptions;

    @ArgGroup(validate = false, heading = "%nImageNet only:%n", order = 2)
    ImageNetOptions imagenetOptions;

    /** The recipe flags; each default is the chosen preset's value, shown per preset. */
    static final class RecipeOptions {
        @Option(
                names = "--preset",
                paramLabel = "NAME",
                completionCandidates = Values.PresetNames.class,
                description = {
                    "Fashion-MNIST: ${COMPLETION-CANDIDATES} (default: ${bundle:recipe.cpu} on the CPU,"
                            + " ${bundle:recipe.gpu} with a GPU). ImageNet: ${bundle:recipe.imagenet}"
                })
        String preset;

        @Option(names = "--epochs", paramLabel = "N", description = "epochs (${bundle:recipe.epochs})")
        Integer epochs;

        @Option(names = "--batch", paramLabel = "N", description = "batch size (${bundle:recipe.batch})")
        Integer batch;

        @Option(names = "--lr", paramLabel = "X", description = "initial learning rate (${bundle:recipe.lr})")
        Float lr;

        @Option(names = "--momentum", paramLabel = "X", description = "SGD momentum (${bundle:recipe.momentum})")
        Float momentum;

        @Option(
                names = "--weight-decay",
                paramLabel = "X",
                description = "L2 weight decay (${bundle:recipe.weight-decay})")
        Float weightDecay;

        @Option(
                names = "--schedule",
                paramLabel = "NAME",
                converter = Values.Schedule.class,
                completionCandidates = Values.ScheduleNames.class,
                description = {
                    "${COMPLETION-CANDIDATES}: plateau divides the learning rate by ${bundle:recipe.lr-divisor} when"
                            + " test accuracy stops improving, as the paper (${bundle:recipe.schedule})"
                })
        Recipe.Schedule schedule;

        @Option(
                names = "--patience",
                paramLabel = "N",
                description = "plateau epochs before dividing the learning rate" + " (${bundle:recipe.patience})")
        Integer patience;

        @Option(
                names = "--resolution",
                paramLabel = "N",
                converter = Values.Resolution.class,
                description = {
                    "input side in pixels; AlexNet needs >= ${bundle:model.alexnet-min-size}, LeNet takes"
                            + " ${bundle:model.lenet-size}; refused when the estimated memory exceeds the machine's"
                            + " (${bundle:recipe.resolution})"
                })
        Integer resolution;

        @Option(
                names = "--subset",
                paramLabel = "N",
                description = "training images, class-balanced, 0 = all (${bundle:recipe.subset})")
        Integer subset;

        @Option(
                names = "--test-subset",
                paramLabel = "N",
                description = "test images, class-balanced, 0 = all" + " (${bundle:recipe.test-subset})")
        Integer testSubset;

        @Option(names = "--seed", paramLabel = "N", description = "random seed (${bundle:recipe.seed})")
        Long seed;

        /** {@code base} with the flags given applied. */
        Recipe apply(Recipe base, ModelSpec spec) {
            Recipe.Builder b = base.toBuilder();
            if (epochs != null) {
                b.epochs(epochs);
            }
            if (batch != null) {
                b.batchSize(batch);
            }
            if (lr != null) {
                b.learningRate(lr);
            }
            if (momentum != null) {
                b.momentum(momentum);
            }
            if (weightDecay != null) {
                b.weightDecay(weightDecay);
            }
            if (schedule != null) {
                b.schedule(schedule);
            }
            if (patience != null) {
                b.patience(patience);
            }
            if (resolution != null) {
                b.resolution(resolution);
            }
            if (subset != null) {
                b.trainSubset(subset);
            }
            if (testSubset != null) {
                b.testSubset(testSubset);
            }
            if (seed != null) {
                b.seed(seed);
            }
            return b.build();
        }
    }

    static final class ImageNetOptions {
        @Option(
                names = "--classes",
                paramLabel = "N",
                converter = Values.AtLeast1.class,
                description = "use only the first N classes (sorted wnids; default all)")
        Integer classes;

        @Option(
                names = "--threads",
                paramLabel = "N",
                converter = Values.Threads.class,
                description = "image decoding threads (default: all cores)")
        int threads;

        @Option(names = "--no-lighting", description = "no PCA colour lighting")
        boolean noLighting;

        @Option(
                names = "--pixel-scale",
                paramLabel = "X",
                converter = Values.Positive.class,
                description = {
                    "multiply inputs by X (default ${bundle:imagenet.pixel-scale}: the paper's 0..255 values;"
                            + " ${bundle:imagenet.small-set-scale} with --default-init learns sooner in short runs; both are the"
                            + " defaults for training sets under ${bundle:imagenet.small-set} images, where the paper's init"
                            + " diverges)"
                })
        Float pixelScale;

        @Option(
                names = "--statistics",
                paramLabel = "FILE",
                description = "cache of the mean image and RGB PCA (default DATA_DIR/alexnet-statistics-*.bin)")
        Path statistics;

        @Option(
                names = "--statistics-images",
                paramLabel = "N",
                converter = Values.AtLeast0.class,
                description =
                        "training images the statistics are computed from, 0 = all (default ${bundle:imagenet.statistics-images})")
        Integer statisticsImages;

        @Option(names = "--no-ten-crop", description = "skip the final 10-crop evaluation")
        boolean noTenCrop;
    }

    TrainCommand(PrintStream out, PrintStream err) {
        super(out, err);
    }

    private RecipeOptions recipeFlags() {
        return recipeOptions != null ? recipeOptions : new RecipeOptions();
    }

    private ImageNetOptions imagenetFlags() {
        return imagenetOptions != null ? imagenetOptions : new ImageNetOptions();
    }

    /** The flags that may change when a run is resumed; every other setting is the run's own. */
    static final String RESUMABLE = "--lr, --epochs, --schedule and --patience";

    static UsageException frozen(String flag, Path output, String value) {
        return new UsageException("--" + flag + " cannot change on --resume (the run in " + output + " has " + value
                + "): drop it, or start a new run with another --output; only " + RESUMABLE + " may change");
    }

    @Override
    public Integer call() throws Exception {
        if (dataset != null && !DATASETS.contains(dataset)) {
            throw new UsageException("unknown dataset '" + dataset + "': use " + String.join(" or ", DATASETS));
        }
        if (resume && overwrite) {
            throw new UsageException(
                    "--resume continues the run in --output and --overwrite replaces it: give one of them");
        }
        if (resume && recipeFlags().preset != null) {
            throw new UsageException(
                    "--preset cannot be given with --resume: the run keeps its recipe (" + RESUMABLE + " may change)");
        }
        if (!resume && !"imagenet".equals(dataset)) {
            refuseImageNetFlags(); // before any engine or folder is touched
        }
        if (augment && "imagenet".equals(dataset)) {
            throw new UsageException(
                    "--augment is for --dataset fashion-mnist: ImageNet runs always train on the paper's"
                            + " random crops and mirror images");
        }
        String modelId = model.variant(
                        "imagenet".equals(dataset) ? ModelSpec.Variant.ALEXNET : ModelSpec.Variant.ALEXNET_FASHION)
                .id();
        EngineOptions.Selection selection = engine.choose(gpus != null ? gpus : -1, out);
        try (RunFolder folder = claimOutput(dataset == null ? "fashion-mnist" : dataset, modelId)) {
            folder.getNotes().forEach(n -> out.println("note: " + n));
            Path dir = folder.getDirectory();
            RunState saved = resume ? Runs.savedRun(dir) : null;
            if (saved != null) {
                String trained = saved.datasetName();
                if (dataset != null && !dataset.equals(trained)) {
                    throw new UsageException("--dataset cannot change on --resume: the run in " + dir + " trains on "
                            + trained + "; drop --dataset, or start a new run with another --output");
                }
                dataset = trained;
            }
            if ("imagenet".equals(dataset)) {
                trainImageNet(selection, dir, saved);
            } else {
                refuseImageNetFlags();
                trainFashionMnist(selection, dir, saved);
            }
        }
        return 0;
    }

    /** Refuses the first ImageNet-only flag given, in command-line order. */
    private void refuseImageNetFlags() {
        for (OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
            if (o.group() != null && o.group().typeInfo().getType() == ImageNetOptions.class) {
                throw new UsageException(o.longestName() + " is for --dataset imagenet");
            }
        }
    }

    /**
     * The output folder, locked for this run. Without --output a new run takes runs/DATASET-MODEL, or
     * the first of -2, -3, ... that holds no run, so no run replaces another's results; --resume and
     * --overwrite take the latest of them.
     */
    private RunFolder claimOutput(String datasetName, String modelId) throws IOException {
        RunFolder.Mode mode =
                resume ? RunFolder.Mode.RESUME : overwrite ? RunFolder.Mode.OVERWRITE : RunFolder.Mode.NEW;
        try {
            if (output != null) {
                return RunFolder.claim(output, mode);
            }
            Path base = Path.of("runs", datasetName + "-" + modelId);
            if (mode != RunFolder.Mode.NEW) {
                Path latest = base;
                for (int n = 2; RunFolder.holdsRun(numbered(base, n)); n++) {
                    latest = numbered(base, n);
                }
                return RunFolder.claim(latest, mode);
            }
            for (int n = 1; ; n++) {
                Path dir = n == 1 ? base : numbered(base, n);
                try {
                    RunFolder folder = RunFolder.claim(dir, mode);
                    if (n > 1) {
                        out.println("note: " + base + " holds an earlier run; this one writes to " + dir
                                + " (--output DIR chooses the folder, --overwrite replaces the latest run)");
                    }
                    return folder;
                } catch (RunFolder.RefusedException e) {
                    if (e.getReason() != RunFolder.RefusedException.Reason.HOLDS_A_RUN
                            && e.getReason() != RunFolder.RefusedException.Reason.IN_USE) {
                        throw e;
                    }
                }
            }
        } catch (RunFolder.RefusedException e) {
            if (e.getReason() == RunFolder.RefusedException.Reason.IN_USE) {
                throw e; // not a mistake in the command: exit code 1
            }
            throw new UsageException(e.getMessage());
        }
    }

    private static Path numbered(Path base, int n) {
        return base.resolveSibling(base.getFileName() + "-" + n);
    }

    private void trainFashionMnist(EngineOptions.Selection selection, Path dir, RunState saved) throws Exception {
        ModelSpec spec;
        Recipe recipe;
        if (saved != null) {
            spec = model.resumed(saved.spec().toProperties(), dir);
            recipe = resumedRecipe(spec, saved, dir);
        } else {
            spec = model.spec(ModelSpec.Variant.ALEXNET_FASHION, FashionMnist.NUM_CLASSES, 1);
            RecipeOptions r = recipeFlags();
            recipe = r.apply(
                    presetFor(spec, r.preset != null ? r.preset : Runs.defaultPreset(selection.devices()[0].isGpu())),
                    spec);
        }
        boolean augmented = saved != null ? saved.augmented() : augment;
        if (augment && !augmented) {
            throw frozen("augment", dir, "no augmentation");
        }
        Runs.checkFits(spec, recipe);
        try (Main.CtrlC ctrlC = new Main.CtrlC(err)) {
            Runs.trainFashionMnist(
                    spec, recipe, data.dataDir, augmented, selection, dir, saved != null, ctrlC.signal, out);
        }
    }

    /** The preset's recipe for the network: LeNet trains with the preset's LeNet counterpart (its 28 px, lr, schedule). */
    private static Recipe presetFor(ModelSpec spec, String name) {
        Recipe alexNet = Runs.preset(name);
        if (spec.getVariant() != ModelSpec.Variant.LENET) {
            return alexNet;
        }
        String lenet = "lenet-" + name;
        List<String> presets = Arrays.stream(Preset.values())
                .map(Preset::id)
                .filter(id -> id.startsWith("lenet-"))
                .map(id -> id.substring("lenet-".length()))
                .toList();
        if (!presets.contains(name)) {
            throw new UsageException("--model lenet has no --preset " + name + ": use " + String.join(", ", presets));
        }
        return Preset.named(lenet).recipe();
    }

    /** Recipe property → the flag that sets it, for those that cannot change on --resume. */
    private static final Map<String, String> FROZEN_RECIPE = Map.of(
            "batchSize", "batch", "weightDecay", "weight-decay", "trainSubset", "subset", "testSubset", "test-subset");

    /**
     * The resumed run's recipe with {@link #RESUMABLE} applied; a flag that would change the rest is
     * refused (the rule is {@link RunState#checkResumableWith}, which Training applies too).
     */
    private Recipe resumedRecipe(ModelSpec spec, RunState saved, Path dir) {
        Recipe asked = recipeFlags().apply(saved.recipe(), spec);
        RunState.Change change = saved.frozenChange(spec, asked);
        if (change != null) {
            throw frozen(FROZEN_RECIPE.getOrDefault(change.setting(), change.setting()), dir, change.saved());
        }
        int done = saved.epoch();
        if (asked.getEpochs() < done) {
            throw new UsageException("--epochs " + asked.getEpochs() + " is fewer than the " + done
                    + " epochs the run in " + dir + " has trained: give more to continue it");
        }
        return asked;
    }

    private void trainImageNet(EngineOptions.Selection selection, Path dir, RunState saved) throws Exception {
        ImageNetOptions f = imagenetFlags();
        // A resumed run continues with what it started with: data folder, classes, recipe, model.
        ImageNetData.Facts savedData = saved == null ? null : saved.imageNet();
        Path root = savedData != null ? savedData.rootOr(data.dataDir) : data.dataDir;
        if (root == null) {
            throw new UsageException("--dataset imagenet needs --data-dir DIR, the folder holding train/ and val/"
                    + " (see datasets/README.md; 'alexnet sample --output DIR' writes a small one)");
        }
        String preset = recipeFlags().preset;
        if (preset != null && !preset.equals(Runs.IMAGENET_PRESET)) {
            throw new UsageException("--dataset imagenet has the preset " + Runs.IMAGENET_PRESET
                    + " only; change single numbers with their flags");
        }
        ImageNetLayout layout;
        ModelSpec spec;
        Recipe recipe;
        boolean lighting = f.noLighting ? false : ImageNetData.DEFAULT_LIGHTING;
        float pixelScale = f.pixelScale != null ? f.pixelScale : ImageNetData.DEFAULT_PIXEL_SCALE;
        Path statisticsFile = f.statistics;
        int statisticsImages = f.statisticsImages != null ? f.statisticsImages : ImageNetData.DEFAULT_STATISTICS_IMAGES;
        if (saved != null) {
            spec = model.resumed(saved.spec().toProperties(), dir);
            recipe = resumedRecipe(spec, saved, dir);
            if (f.noLighting && savedData.lighting()) {
                throw frozen("no-lighting", dir, "lighting=true");
            }
            if (f.pixelScale != null && pixelScale != savedData.pixelScale()) {
                throw frozen("pixel-scale", dir, "pixel_scale=" + savedData.pixelScale());
            }
            lighting = savedData.lighting();
            pixelScale = savedData.pixelScale();
            // The same mean image as before: the recorded statistics unless told where they are now.
            statisticsImages = f.statisticsImages != null ? f.statisticsImages : savedData.statisticsImages();
            statisticsFile = f.statistics != null ? f.statistics : savedData.statisticsFile();
            layout = ImageNetLayout.read(root, spec.getClasses(), out::println);
            if (layout.getClassCount() != spec.getClasses()) {
                throw new DatasetException(
                        root,
                        "the run in " + dir + " has " + spec.getClasses() + " classes but " + root + " has "
                                + layout.getClassCount() + ": resume with the --data-dir it was trained on");
            }
        } else {
            int classes = f.classes != null ? f.classes : 0;
            layout = ImageNetLayout.read(root, classes, out::println);
            if (classes > layout.getClassCount()) {
                throw new UsageException("--classes " + classes + " but " + root.resolve("train") + " has "
                        + layout.getClassCount() + " classes");
            }
            spec = model.spec(ModelSpec.Variant.ALEXNET, layout.getClassCount(), 3);
            if (ImageNetData.isSmall(layout)) {
                // ImageNetData's small-set defaults; flags still decide.
                List<String> chosen = new ArrayList<>();
                if (!model.initGiven()) {
                    spec = spec.withPaperInit(ImageNetData.defaultPaperInit(layout));
                    chosen.add("--default-init");
                }
                if (f.pixelScale == null) {
                    pixelScale = ImageNetData.defaultPixelScale(layout);
                    chosen.add("--pixel-scale " + pixelScale);
                }
                if (!chosen.isEmpty()) {
                    out.printf(
                            Locale.ROOT,
                            "note: %,d training images, fewer than %,d: %s by default, as the paper's"
                                    + " initialisation on 0..255 inputs diverges on small sets (--paper-init --pixel-scale 1"
                                    + " gives the paper's)%n",
                            layout.getTrainFiles().size(),
                            ImageNetData.SMALL_TRAINING_SET,
                            String.join(" ", chosen));
                }
            }
            if (spec.getVariant() != ModelSpec.Variant.ALEXNET) {
                throw new UsageException("--dataset imagenet trains --model alexnet (RGB input)");
            }
            recipe = recipeFlags().apply(Runs.preset(Runs.IMAGENET_PRESET), spec);
        }
        Runs.checkFits(spec, recipe);
        Runs.ImageNetSettings settings = new Runs.ImageNetSettings(
                layout, lighting, pixelScale, f.threads, statisticsImages, statisticsFile, !f.noTenCrop);
        try (Main.CtrlC ctrlC = new Main.CtrlC(err)) {
            Runs.trainImageNet(spec, recipe, settings, selection, dir, saved != null, ctrlC.signal, out);
        }
    }
}
