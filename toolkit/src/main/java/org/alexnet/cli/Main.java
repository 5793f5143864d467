package org.alexnet.cli;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.TrainingDivergedException;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import org.alexnet.data.DatasetException;
import org.alexnet.data.FashionMnist;
import org.alexnet.engine.Cuda;
import org.alexnet.engine.Doctor;
import org.alexnet.engine.Engines;
import org.alexnet.eval.Evaluation;
import org.alexnet.model.ActivationKind;
import org.alexnet.model.ModelSpec;
import org.alexnet.model.ModelSummary;
import org.alexnet.train.Checkpoint;
import org.alexnet.train.ConsoleProgress;
import org.alexnet.train.FashionMnistTraining;
import org.alexnet.train.History;
import org.alexnet.train.Recipe;
import org.alexnet.train.ImageNetTraining;
import org.alexnet.train.StopSignal;
import org.alexnet.train.Training;
import org.alexnet.train.TrainingInterruptedException;
import org.alexnet.data.imagenet.ImageNet;
import org.alexnet.data.imagenet.ImageNetLayout;
import org.alexnet.data.imagenet.ImageNetSample;

/** The {@code alexnet} command: train, evaluate and summarise the networks of this project. */
public final class Main {

    static final String USAGE = String.join("\n",
            "usage: alexnet <command> [flags]",
            "",
            "commands:",
            "  train      train a model on Fashion-MNIST or ImageNet (checkpoints every epoch and on Ctrl-C,",
            "             --resume continues exactly)",
            "  evaluate   evaluate a checkpoint on the test set (ImageNet: centre crop and 10 crops)",
            "  summary    print a model's layers, output shapes and parameter counts",
            "  sample     write a small dataset in the ImageNet layout (from Fashion-MNIST images)",
            "  doctor     show the engines, their native libraries and where they came from, the GPUs, and what",
            "             training would run on (and why not on a GPU)",
            "",
            "run 'alexnet <command> --help' for the flags of a command");

    static final String TRAIN_HELP = String.join("\n",
            "usage: alexnet train [flags]",
            "  --dataset NAME        fashion-mnist (default) or imagenet",
            "  --data-dir DIR        folder with the dataset files (Fashion-MNIST: default search, see README;",
            "                        ImageNet: required, the folder holding train/ and val/, see datasets/README.md)",
            "  --model NAME          alexnet-fashion (default for fashion-mnist), alexnet (default for imagenet), lenet",
            "  --preset NAME         Fashion-MNIST: workshop (default on CPU: 96 px, 10k images, 3 epochs), d2l",
            "                        (224 px, all images, 10 epochs; default with a GPU), paper, smoke.",
            "                        ImageNet: paper (default: 224 crops of 256, batch 128, 90 epochs)",
            "  --epochs N            epochs (the preset's)",
            "  --batch N             batch size (paper: 128)",
            "  --lr X                initial learning rate (paper: 0.01)",
            "  --momentum X          (paper: 0.9)      --weight-decay X   (paper: 0.0005)",
            "  --schedule NAME       plateau (paper: /10 when test accuracy stops improving), step, constant",
            "  --patience N          plateau epochs before dividing the learning rate",
            "  --resolution N        input side in pixels (AlexNet needs >= 67; LeNet takes 28)",
            "  --subset N            training images, class-balanced (0 = all)",
            "  --test-subset N       test images, class-balanced (0 = all)",
            "  --towers 1|2          --no-lrn   --pooling overlapping|non-overlapping",
            "  --activation NAME     relu, tanh, sigmoid      --dropout X",
            "  --paper-init          N(0, 0.01) weights and the paper's biases (default for alexnet)",
            "  --default-init        DJL's default initialisation instead (learns sooner in short runs)",
            "  --engine NAME         MXNet (default) or PyTorch; without it, PyTorch is used when GPUs are present",
            "                        that MXNet cannot use (a note says so)",
            "  --gpus N              use at most N GPUs (default: all the engine sees; 0 = CPU)",
            "  --seed N              random seed (default 42)",
            "  --output DIR          checkpoints and history.csv (default runs/<dataset>-<model>)",
            "  --resume              continue from DIR/last.ckpt (exactly where it stopped, even mid-epoch)",
            "ImageNet only:",
            "  --classes N           use only the first N classes (sorted wnids; default all)",
            "  --threads N           image decoding threads (default: all cores)",
            "  --no-lighting         no PCA colour lighting",
            "  --pixel-scale X       multiply inputs by X (default 1: the paper's 0..255 values; 0.0039 = 1/255",
            "                        with --default-init for short runs that learn sooner)",
            "  --statistics FILE     cache of the mean image and RGB PCA (default DATA_DIR/alexnet-statistics-*.bin)",
            "  --statistics-images N training images the statistics are computed from (default 10000, 0 = all)",
            "  --no-ten-crop         skip the final 10-crop evaluation",
            "Ctrl-C stops after the current batch and saves a checkpoint that --resume continues from.");

    static final String EVALUATE_HELP = String.join("\n",
            "usage: alexnet evaluate --checkpoint FILE|DIR [--data-dir DIR] [--engine NAME] [--batch N]",
            "  evaluates the model stored in a checkpoint (DIR means DIR/last.ckpt) on the test set,",
            "  at the resolution it was trained with; prints top-1, top-5 and per-class accuracy.",
            "  ImageNet checkpoints: top-1/top-5 with the centre crop and with the paper's 10 crops",
            "  (--no-ten-crop skips those); --data-dir defaults to the folder it was trained on");

    static final String SAMPLE_HELP = String.join("\n",
            "usage: alexnet sample --output DIR [--classes N] [--train-per-class N] [--val-per-class N]",
            "                      [--min-side N] [--max-side N] [--flat-val] [--no-odd-files] [--seed N]",
            "  writes DIR/train/<wnid>/*.JPEG, DIR/val/... and DIR/synsets.txt from Fashion-MNIST images,",
            "  coloured and scaled to photo-like sizes (defaults: 10 classes, 100 + 20 per class, 100..400 px);",
            "  unless --no-odd-files, train/n00000000 also gets grayscale, CMYK and PNG-named-JPEG files and",
            "  three broken ones, as real ImageNet has");

    static final String DOCTOR_HELP = String.join("\n",
            "usage: alexnet doctor",
            "  prints Java, the GPUs CUDA reports, each engine's version, native build (CPU or CUDA) and where DJL",
            "  found it (bundled in this jar, a local folder from PYTORCH_LIBRARY_PATH / MXNET_LIBRARY_PATH, or its",
            "  download cache), the devices each engine sees, and what 'alexnet train' would run on, and why not",
            "  on a GPU; exit code 1 when no engine can be loaded");

    static final String SUMMARY_HELP = String.join("\n",
            "usage: alexnet summary [--model alexnet|alexnet-fashion|lenet] [--resolution N] [--classes N]",
            "                       [--towers 1|2] [--no-lrn] [--pooling ...] [--html] [--engine NAME]");

    private static final Set<String> MODEL_FLAGS = Set.of("model", "towers", "pooling", "activation", "dropout");
    private static final Set<String> MODEL_SWITCHES = Set.of("no-lrn", "paper-init", "default-init", "help");
    private static final Set<String> IMAGENET_FLAGS =
            Set.of("classes", "threads", "statistics", "statistics-images", "pixel-scale", "no-lighting", "no-ten-crop");

    private final PrintStream out;
    private final PrintStream err;

    Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        fromMain = true;
        int code;
        try {
            code = new Main(System.out, System.err).run(args);
        } finally {
            COMMAND_DONE.countDown(); // also when an Error escapes: the shutdown hook must not wait for it
        }
        if (!INTERRUPTED.get()) {
            System.exit(code);
        }
        // After Ctrl-C the JVM is already shutting down (System.exit would wait forever): return
        // and let it finish with the signal's status.
    }

    /** Set when the JVM began shutting down while a command ran (Ctrl-C, kill). */
    private static final java.util.concurrent.atomic.AtomicBoolean INTERRUPTED = new java.util.concurrent.atomic.AtomicBoolean();
    /** Released when the command started by {@link #main} has returned and printed its last line. */
    private static final java.util.concurrent.CountDownLatch COMMAND_DONE = new java.util.concurrent.CountDownLatch(1);
    private static volatile boolean fromMain;

    /**
     * A stop signal for a training started from the command line: Ctrl-C stops it after the current
     * batch with a checkpoint, and the JVM waits until the command has said so before it exits.
     */
    private static StopSignal interruptSignal() {
        StopSignal signal = StopSignal.onInterrupt(600);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            INTERRUPTED.set(true);
            if (fromMain) {
                try {
                    COMMAND_DONE.await(600, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "alexnet-wait-for-command"));
        return signal;
    }

    /** Runs a command and returns the process exit code: 0 ok, 1 failure, 2 usage error. */
    int run(String[] args) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            out.println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        String command = args[0];
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        try {
            switch (command) {
                case "train":
                    return train(rest);
                case "evaluate":
                    return evaluate(rest);
                case "summary":
                    return summary(rest);
                case "sample":
                    return sample(rest);
                case "doctor":
                    return doctor(rest);
                default:
                    throw new UsageException("unknown command '" + command + "': use train, evaluate, summary, sample or doctor");
            }
        } catch (UsageException | IllegalArgumentException e) {
            err.println("alexnet: " + e.getMessage());
            return 2;
        } catch (TrainingInterruptedException e) {
            err.println("alexnet: " + e.getMessage());
            return 130;
        } catch (DatasetException | TrainingDivergedException | EngineException e) {
            err.println("alexnet: " + e.getMessage());
            return 1;
        } catch (java.io.IOException e) {
            err.println("alexnet: " + e.getMessage());
            return 1;
        } catch (ai.djl.translate.TranslateException e) {
            err.println("alexnet: could not read a batch: " + e.getMessage());
            return 1;
        } catch (OutOfMemoryError e) {
            err.println("alexnet: out of memory: lower --batch or --resolution, or give Java more heap (-Xmx)");
            return 1;
        } catch (LinkageError e) {
            // A native library that failed to load surfaces as an Error from inside DJL.
            if (System.getenv("ALEXNET_DEBUG") != null) {
                e.printStackTrace(err);
            }
            err.println("alexnet: an engine's native library is missing or broken (" + e.getMessage()
                    + "); run 'alexnet doctor' (set ALEXNET_DEBUG=1 for the stack trace)");
            return 1;
        } catch (RuntimeException e) {
            // Not an expected situation: keep it to one line unless asked for the details.
            if (System.getenv("ALEXNET_DEBUG") != null) {
                e.printStackTrace(err);
            }
            err.println("alexnet: unexpected error: " + e + " (set ALEXNET_DEBUG=1 for the stack trace)");
            return 1;
        }
    }

    private static Set<String> union(Set<String> a, String... more) {
        java.util.HashSet<String> s = new java.util.HashSet<>(a);
        s.addAll(java.util.List.of(more));
        return s;
    }

    private int train(String[] args) throws java.io.IOException, ai.djl.translate.TranslateException {
        Flags f = Flags.parse("train", args,
                union(MODEL_FLAGS, "dataset", "data-dir", "preset", "epochs", "batch", "lr", "momentum",
                        "weight-decay", "schedule", "patience", "resolution", "subset", "test-subset", "engine",
                        "gpus", "seed", "output", "classes", "threads", "statistics", "statistics-images", "pixel-scale"),
                union(MODEL_SWITCHES, "resume", "no-lighting", "no-ten-crop"));
        if (f.has("help")) {
            out.println(TRAIN_HELP);
            return 0;
        }
        String dataset = f.get("dataset", "fashion-mnist");
        if (dataset.equals("imagenet")) {
            return trainImageNet(f);
        }
        if (!dataset.equals("fashion-mnist")) {
            throw new UsageException("unknown dataset '" + dataset + "': use fashion-mnist or imagenet");
        }
        for (String flag : IMAGENET_FLAGS) {
            if (f.has(flag)) {
                throw new UsageException("--" + flag + " is for --dataset imagenet");
            }
        }
        Engines.Choice choice = chooseEngine(f);
        Engine engine = choice.engine();
        Device[] devices = choice.devices();
        boolean gpu = devices[0].isGpu();
        ModelSpec spec = modelSpec(f, "alexnet-fashion", FashionMnist.NUM_CLASSES, 1);
        Recipe recipe = recipe(f, spec, gpu, null);
        Path output = Path.of(f.get("output", "runs/" + dataset + "-" + spec.getVariant().id()));
        boolean resume = f.has("resume");
        if (resume && Files.exists(Training.lastCheckpoint(output))) {
            // The run continues with the numbers it started with; flags cannot change them midway.
            // Only the header here: Training.fit verifies and loads the whole file once.
            Properties saved = Checkpoint.readProperties(Training.lastCheckpoint(output));
            recipe = Training.recipeOf(saved);
            spec = ModelSpec.fromProperties(Training.metadataOf(saved));
        }
        spec.inputShape(recipe.getResolution()); // rejects a resolution the model cannot take, before loading data
        Path dataDir = f.has("data-dir") ? Path.of(f.get("data-dir", null)) : null;
        FashionMnistTraining run = FashionMnistTraining.builder()
                .setSpec(spec)
                .setRecipe(recipe)
                .optDataDirectory(dataDir)
                .optDevices(devices)
                .optOutputDir(output)
                .optResume(resume)
                .addListener(new ConsoleProgress(out, System.console() != null))
                .optStopSignal(interruptSignal())
                .build();
        try (Model model = Model.newInstance(spec.getVariant().id(), devices[0], engine.getEngineName())) {
            model.setBlock(spec.build());
            History history = run.fit(model);
            var last = history.last();
            out.printf(Locale.ROOT, "final test accuracy: %.4f after %d epochs (train accuracy %.4f, loss %.4f); checkpoints in %s%n",
                    last.validationAccuracy(), last.epoch(), last.trainAccuracy(), last.trainLoss(), output);
        }
        return 0;
    }

    /** The engine and devices for training, with the rule's notes printed (see {@link Engines}). */
    private Engines.Choice chooseEngine(Flags f) {
        Engines.Choice choice = Engines.choose(f.get("engine", null), f.getInt("gpus", -1));
        choice.notes().forEach(n -> out.println("note: " + n));
        return choice;
    }

    private int doctor(String[] args) {
        Flags f = Flags.parse("doctor", args, Set.of(), Set.of("help"));
        if (f.has("help")) {
            out.println(DOCTOR_HELP);
            return 0;
        }
        Doctor.Report report = Doctor.run(Cuda.probe());
        report.lines().forEach(out::println);
        return report.usable() ? 0 : 1;
    }

    private int evaluate(String[] args) throws java.io.IOException, ai.djl.translate.TranslateException {
        Flags f = Flags.parse("evaluate", args, Set.of("checkpoint", "data-dir", "engine", "batch"), Set.of("help", "no-ten-crop"));
        if (f.has("help")) {
            out.println(EVALUATE_HELP);
            return 0;
        }
        if (!f.has("checkpoint")) {
            throw new UsageException("evaluate needs --checkpoint FILE (or the output folder of a run)");
        }
        Path ckpt = Path.of(f.get("checkpoint", null));
        if (Files.isDirectory(ckpt)) {
            ckpt = ckpt.resolve(Checkpoint.LAST);
        }
        Checkpoint.Header header = Checkpoint.read(ckpt);
        if ("imagenet".equals(Training.metadataOf(header).getProperty("dataset"))) {
            return evaluateImageNet(f, ckpt, header);
        }
        Properties meta = Training.metadataOf(header);
        Recipe recipe = Training.recipeOf(header);
        ModelSpec spec = ModelSpec.fromProperties(meta);
        Engine engine = Engines.select(f.get("engine", null));
        Device device = Engines.devices(engine, 1)[0];
        int batch = f.getInt("batch", recipe.getBatchSize());
        Path dataDir = f.has("data-dir") ? Path.of(f.get("data-dir", null)) : null;
        FashionMnist test = FashionMnistTraining.builder()
                .setSpec(spec)
                .setRecipe(recipe.toBuilder().batchSize(batch).build())
                .optDataDirectory(dataDir)
                .build()
                .testSet();
        test.prepare();
        try (Model model = Model.newInstance(spec.getVariant().id(), device, engine.getEngineName())) {
            Block block = spec.build();
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1).addAll(spec.inputShape(recipe.getResolution())));
            header.restoreParameters(block, model.getNDManager());
            ParameterStore ps = new ParameterStore(model.getNDManager(), false);
            Evaluation e = Evaluation.run(x -> block.forward(ps, x, false), test, model.getNDManager(), spec.getClasses());
            out.printf(Locale.ROOT, "checkpoint: %s (%s, epoch %d)%n", ckpt, spec, header.getEpoch());
            out.printf(Locale.ROOT, "test images: %d at %d px%n", e.getCount(), recipe.getResolution());
            long[][] c = e.getConfusion();
            for (int i = 0; i < c.length; i++) {
                long total = 0;
                for (long v : c[i]) {
                    total += v;
                }
                out.printf(Locale.ROOT, "  %-12s %.4f%n", FashionMnist.CLASS_NAMES.get(i), total == 0 ? Double.NaN : (double) c[i][i] / total);
            }
            out.printf(Locale.ROOT, "top-1 accuracy: %.4f%s%n", e.getTop1(),
                    Double.isNaN(e.getTop5()) ? "" : String.format(Locale.ROOT, ", top-5 accuracy: %.4f", e.getTop5()));
        }
        return 0;
    }

    private int trainImageNet(Flags f) throws java.io.IOException, ai.djl.translate.TranslateException {
        Path output = Path.of(f.get("output", "runs/imagenet-alexnet"));
        boolean resume = f.has("resume");
        // A resumed run continues with what it started with: data folder, classes, recipe, model.
        Properties saved = resume && Files.exists(Training.lastCheckpoint(output))
                ? Checkpoint.readProperties(Training.lastCheckpoint(output)) : null;
        Properties savedMeta = saved == null ? new Properties() : Training.metadataOf(saved);
        String dataDir = f.get("data-dir", savedMeta.getProperty("data_root"));
        if (dataDir == null) {
            throw new UsageException("--dataset imagenet needs --data-dir DIR, the folder holding train/ and val/"
                    + " (see datasets/README.md; 'alexnet sample --output DIR' writes a small one)");
        }
        Path root = Path.of(dataDir);
        Engines.Choice choice = chooseEngine(f);
        Engine engine = choice.engine();
        Device[] devices = choice.devices();
        int maxClasses = saved != null ? Integer.parseInt(savedMeta.getProperty("classes")) : f.getInt("classes", 0);
        ImageNetLayout layout = ImageNetLayout.read(root, maxClasses);
        ModelSpec spec = modelSpec(f, "alexnet", layout.getClassCount(), 3);
        if (spec.getVariant() != ModelSpec.Variant.ALEXNET) {
            throw new UsageException("--dataset imagenet trains --model alexnet (RGB input)");
        }
        if (f.has("preset") && !f.get("preset", "").equals("paper")) {
            throw new UsageException("--dataset imagenet has the preset paper only; change single numbers with their flags");
        }
        Recipe recipe = recipe(f, spec, devices[0].isGpu(), Recipe.paper());
        boolean lighting = !f.has("no-lighting");
        float pixelScale = f.getFloat("pixel-scale", 1f);
        if (saved != null) {
            recipe = Training.recipeOf(saved);
            spec = ModelSpec.fromProperties(savedMeta);
            lighting = Boolean.parseBoolean(savedMeta.getProperty("lighting", "true"));
            pixelScale = Float.parseFloat(savedMeta.getProperty("pixel_scale", "1"));
        }
        spec.inputShape(recipe.getResolution());
        ConsoleProgress progress = new ConsoleProgress(out, System.console() != null);
        ImageNetTraining.Builder b = ImageNetTraining.builder()
                .setLayout(layout)
                .setSpec(spec)
                .setRecipe(recipe)
                .optDevices(devices)
                .optOutputDir(output)
                .optResume(resume)
                .optThreads(f.getInt("threads", 0))
                .optLighting(lighting)
                .optPixelScale(pixelScale)
                .optStatisticsImages(f.getInt("statistics-images", ImageNetTraining.DEFAULT_STATISTICS_IMAGES))
                .addListener(progress)
                .optStopSignal(interruptSignal());
        if (f.has("statistics")) {
            b.optStatisticsFile(Path.of(f.get("statistics", null)));
        }
        ImageNetTraining run = b.build();
        out.println(layout);
        try (Model model = Model.newInstance(spec.getVariant().id(), devices[0], engine.getEngineName())) {
            model.setBlock(spec.build());
            History history = run.fit(model);
            var last = history.last();
            out.printf(Locale.ROOT, "final validation (centre crop): top-1 %.4f, top-5 %.4f after %d epochs; checkpoints in %s%n",
                    last.validationAccuracy(), last.validationTop5(), last.epoch(), output);
            if (!f.has("no-ten-crop")) {
                Evaluation ten = run.evaluate(model, ImageNet.Mode.TEN_CROP);
                ImageNetTraining.appendEvaluation(output, last.epoch(), "10", ten);
                out.printf(Locale.ROOT, "final validation (10 crops): top-1 %.4f, top-5 %.4f on %d images%n",
                        ten.getTop1(), ten.getTop5(), ten.getCount());
            }
        }
        return 0;
    }

    private int evaluateImageNet(Flags f, Path ckpt, Checkpoint.Header header) throws java.io.IOException,
            ai.djl.translate.TranslateException {
        Properties meta = Training.metadataOf(header);
        Recipe recipe = Training.recipeOf(header);
        ModelSpec spec = ModelSpec.fromProperties(meta);
        Path root = Path.of(f.get("data-dir", meta.getProperty("data_root")));
        Engine engine = Engines.select(f.get("engine", null));
        Device device = Engines.devices(engine, 1)[0];
        ImageNetLayout layout = ImageNetLayout.read(root, spec.getClasses());
        if (layout.getClassCount() != spec.getClasses()) {
            throw new DatasetException(root, "the checkpoint has " + spec.getClasses() + " classes but " + root + " has "
                    + layout.getClassCount());
        }
        ImageNetTraining run = ImageNetTraining.builder().setLayout(layout).setSpec(spec)
                .optPixelScale(Float.parseFloat(meta.getProperty("pixel_scale", "1")))
                .setRecipe(recipe.toBuilder().batchSize(f.getInt("batch", recipe.getBatchSize())).build())
                .optReporter(m -> out.println(m)).build();
        try (Model model = Model.newInstance(spec.getVariant().id(), device, engine.getEngineName())) {
            Block block = spec.build();
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1).addAll(spec.inputShape(recipe.getResolution())));
            header.restoreParameters(block, model.getNDManager());
            out.printf(Locale.ROOT, "checkpoint: %s (%s, epoch %d)%n", ckpt, spec, header.getEpoch());
            out.println(layout);
            Evaluation centre = run.evaluate(model, ImageNet.Mode.CENTER);
            out.printf(Locale.ROOT, "centre crop: top-1 accuracy %.4f, top-5 accuracy %.4f on %d images%n",
                    centre.getTop1(), centre.getTop5(), centre.getCount());
            if (!f.has("no-ten-crop")) {
                Evaluation ten = run.evaluate(model, ImageNet.Mode.TEN_CROP);
                out.printf(Locale.ROOT, "10 crops: top-1 accuracy %.4f, top-5 accuracy %.4f on %d images%n",
                        ten.getTop1(), ten.getTop5(), ten.getCount());
            }
        }
        return 0;
    }

    private int sample(String[] args) throws java.io.IOException {
        Flags f = Flags.parse("sample", args,
                Set.of("output", "classes", "train-per-class", "val-per-class", "min-side", "max-side", "seed", "data-dir"),
                Set.of("flat-val", "no-odd-files", "help"));
        if (f.has("help")) {
            out.println(SAMPLE_HELP);
            return 0;
        }
        if (!f.has("output")) {
            throw new UsageException("sample needs --output DIR");
        }
        Path dir = Path.of(f.get("output", null));
        ImageNetSample.Builder b = ImageNetSample.builder()
                .optClasses(f.getInt("classes", 10))
                .optTrainPerClass(f.getInt("train-per-class", 100))
                .optValidationPerClass(f.getInt("val-per-class", 20))
                .optShorterSide(f.getInt("min-side", 100), f.getInt("max-side", 400))
                .optFlatValidation(f.has("flat-val"))
                .optOddFiles(!f.has("no-odd-files"))
                .optSeed(f.getLong("seed", 42));
        if (f.has("data-dir")) {
            b.optFashionMnistDirectory(Path.of(f.get("data-dir", null)));
        }
        ImageNetSample sample = b.build();
        sample.write(dir);
        out.println("wrote " + dir + ": " + sample.describe());
        return 0;
    }

    private int summary(String[] args) throws java.io.IOException, ai.djl.translate.TranslateException {
        Flags f = Flags.parse("summary", args, union(MODEL_FLAGS, "resolution", "classes", "channels", "engine"),
                union(MODEL_SWITCHES, "html"));
        if (f.has("help")) {
            out.println(SUMMARY_HELP);
            return 0;
        }
        // The paper's network defaults to ImageNet (1000 classes, RGB), the others to Fashion-MNIST.
        boolean imagenet = ModelSpec.Variant.parse(f.get("model", "alexnet")) == ModelSpec.Variant.ALEXNET;
        ModelSpec spec = modelSpec(f, "alexnet", f.getInt("classes", imagenet ? 1000 : 10), f.getInt("channels", imagenet ? 3 : 1));
        int resolution = f.getInt("resolution", spec.getVariant() == ModelSpec.Variant.LENET ? 28 : 224);
        Shape input = new Shape(1).addAll(spec.inputShape(resolution));
        Engine engine = Engines.select(f.get("engine", null));
        try (Model model = Model.newInstance("summary", Device.cpu(), engine.getEngineName())) {
            Block block = spec.build();
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, input);
            ModelSummary s = ModelSummary.of(block, input);
            out.println(spec);
            out.print(f.has("html") ? s.toHtml() + "\n" : s.toText());
        }
        return 0;
    }

    private static ModelSpec modelSpec(Flags f, String defaultModel, int classes, int channels) {
        ModelSpec spec = ModelSpec.of(ModelSpec.Variant.parse(f.get("model", defaultModel)), classes, channels);
        var o = spec.options();
        if (f.has("towers")) {
            o.optTowers(f.getInt("towers", 2));
        }
        if (f.has("no-lrn")) {
            o.optLrn(false);
        }
        if (f.has("pooling")) {
            String p = f.get("pooling", "overlapping");
            if (!p.equals("overlapping") && !p.equals("non-overlapping")) {
                throw new UsageException("--pooling must be overlapping or non-overlapping, got '" + p + "'");
            }
            o.optOverlappingPooling(p.equals("overlapping"));
        }
        if (f.has("activation")) {
            o.optActivation(ActivationKind.parse(f.get("activation", "relu")));
        }
        if (f.has("dropout")) {
            o.optDropout(f.getFloat("dropout", 0.5f));
        }
        if (f.has("paper-init") && f.has("default-init")) {
            throw new UsageException("--paper-init and --default-init exclude each other");
        }
        if (f.has("paper-init")) {
            o.optPaperInit(true);
        }
        if (f.has("default-init")) {
            o.optPaperInit(false);
        }
        return spec;
    }

    private static Recipe recipe(Flags f, ModelSpec spec, boolean gpu, Recipe fixedBase) {
        String preset = f.get("preset", gpu ? "d2l" : "workshop");
        Recipe base;
        switch (fixedBase != null ? "fixed" : preset) {
            case "fixed":
                base = fixedBase;
                break;
            case "workshop":
                base = Recipe.workshop();
                break;
            case "d2l":
                base = Recipe.fashionMnist();
                break;
            case "paper":
                base = Recipe.paper();
                break;
            case "smoke":
                base = Recipe.smoke();
                break;
            default:
                throw new UsageException("unknown preset '" + preset + "': use workshop, d2l, paper or smoke");
        }
        Recipe.Builder b = base.toBuilder();
        if (spec.getVariant() == ModelSpec.Variant.LENET) {
            b.resolution(28);
        }
        if (f.has("epochs")) {
            b.epochs(f.getInt("epochs", 0));
        }
        if (f.has("batch")) {
            b.batchSize(f.getInt("batch", 0));
        }
        if (f.has("lr")) {
            b.learningRate(f.getFloat("lr", 0));
        }
        if (f.has("momentum")) {
            b.momentum(f.getFloat("momentum", 0));
        }
        if (f.has("weight-decay")) {
            b.weightDecay(f.getFloat("weight-decay", 0));
        }
        if (f.has("schedule")) {
            b.schedule(Recipe.Schedule.parse(f.get("schedule", null)));
        }
        if (f.has("patience")) {
            b.patience(f.getInt("patience", 0));
        }
        if (f.has("resolution")) {
            b.resolution(f.getInt("resolution", 0));
        }
        if (f.has("subset")) {
            b.trainSubset(f.getInt("subset", 0));
        }
        if (f.has("test-subset")) {
            b.testSubset(f.getInt("test-subset", 0));
        }
        if (f.has("seed")) {
            b.seed(f.getLong("seed", 0));
        }
        return b.build();
    }
}
