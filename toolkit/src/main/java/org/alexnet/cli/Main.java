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
import java.util.List;
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
import org.alexnet.train.MemoryEstimate;
import org.alexnet.train.RunFolder;
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
            "  --resolution N        input side in pixels (AlexNet needs >= 67; LeNet takes 28; refused when the",
            "                        estimated memory exceeds the machine's)",
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
            "  --output DIR          checkpoints and history.csv (default runs/<dataset>-<model>, or -2, -3, ... when",
            "                        that holds a run); a folder holding a run is refused unless --resume or --overwrite",
            "  --resume              continue the run in DIR (exactly where it stopped, even mid-epoch); only --lr (from",
            "                        now on), --epochs (to extend it), --schedule and --patience may change",
            "  --overwrite           start a new run in DIR, deleting the run already there",
            "ImageNet only:",
            "  --classes N           use only the first N classes (sorted wnids; default all)",
            "  --threads N           image decoding threads (default: all cores)",
            "  --no-lighting         no PCA colour lighting",
            "  --pixel-scale X       multiply inputs by X (default 1: the paper's 0..255 values; 0.0039 = 1/255",
            "                        with --default-init for short runs that learn sooner; both are the defaults",
            "                        for training sets under 50,000 images, where the paper's init diverges)",
            "  --statistics FILE     cache of the mean image and RGB PCA (default DATA_DIR/alexnet-statistics-*.bin)",
            "  --statistics-images N training images the statistics are computed from (default 10000, 0 = all)",
            "  --no-ten-crop         skip the final 10-crop evaluation",
            "Ctrl-C stops after the current batch and saves a checkpoint that --resume continues from.",
            "Only one run at a time can use an output folder. Exit codes: 0 done, 1 failed, 2 usage, 130 interrupted.");

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
            "                       [--towers 1|2] [--no-lrn] [--pooling ...] [--html] [--engine NAME]",
            "  layers, output shapes, parameters and forward multiply-adds (MACs) per layer and in total");

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
     * Ctrl-C for a training started from the command line: it stops the training after the current
     * batch with a checkpoint, and the JVM waits until the command has printed its last line. Outside
     * training nothing waits, so the process ends at once. Closing removes both shutdown hooks.
     */
    private final class CtrlC implements AutoCloseable {
        final StopSignal signal = StopSignal.onInterrupt(600);
        private final Thread hook = new Thread(() -> {
            INTERRUPTED.set(true);
            if (!signal.isRunning()) {
                err.println("alexnet: interrupted while no training was running: nothing to save");
            } else if (fromMain) {
                try {
                    COMMAND_DONE.await(600, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "alexnet-wait-for-command");

        CtrlC() {
            Runtime.getRuntime().addShutdownHook(hook);
        }

        @Override
        public void close() {
            signal.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // Shutdown has begun: the hook is running.
            }
        }
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
        } catch (EngineException e) {
            String message = oneLine(e.getMessage());
            err.println("alexnet: " + message + (message.toLowerCase(Locale.ROOT).contains("out of memory")
                    ? ": lower --batch or --resolution, or use fewer/larger devices" : ""));
            return 1;
        } catch (DatasetException | TrainingDivergedException e) {
            err.println("alexnet: " + e.getMessage());
            return 1;
        } catch (java.nio.file.FileSystemException e) {
            // Its message is often only the path: say what went wrong with it.
            String reason = e.getReason() != null ? e.getReason()
                    : e instanceof java.nio.file.NoSuchFileException ? "no such file or folder"
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : e instanceof java.nio.file.FileAlreadyExistsException ? "already exists as a file"
                    : e.getClass().getSimpleName();
            err.println("alexnet: cannot use " + e.getFile() + ": " + reason
                    + (e.getOtherFile() != null ? " (" + e.getOtherFile() + ")" : ""));
            return 1;
        } catch (java.io.IOException e) {
            err.println("alexnet: " + oneLine(e.getMessage()));
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

    private static String oneLine(String message) {
        if (message == null) {
            return "";
        }
        // MXNet appends its native back trace to error messages: not for users.
        int trace = message.indexOf("Stack trace:");
        return (trace < 0 ? message : message.substring(0, trace)).strip().replaceAll("\\s*\\R\\s*", " ");
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
                union(MODEL_SWITCHES, "resume", "overwrite", "no-lighting", "no-ten-crop"));
        if (f.has("help")) {
            out.println(TRAIN_HELP);
            return 0;
        }
        // Values no run accepts, refused before anything is loaded.
        f.getInt("gpus", 0, 0, Integer.MAX_VALUE);
        f.getInt("threads", 0, 0, 4096);
        f.getInt("statistics-images", 0, 0, Integer.MAX_VALUE);
        f.getInt("classes", 1, 1, Integer.MAX_VALUE);
        f.getInt("resolution", 1, 1, MemoryEstimate.MAX_RESOLUTION);
        if (f.has("pixel-scale") && !(f.getFloat("pixel-scale", 1f) > 0)) {
            throw new UsageException("--pixel-scale must be a positive number, got '" + f.get("pixel-scale", "") + "'");
        }
        boolean resume = f.has("resume");
        if (resume && f.has("overwrite")) {
            throw new UsageException("--resume continues the run in --output and --overwrite replaces it: give one of them");
        }
        if (resume && f.has("preset")) {
            throw new UsageException("--preset cannot be given with --resume: the run keeps its recipe ("
                    + RESUMABLE + " may change)");
        }
        String dataset = f.get("dataset", null);
        if (dataset != null && !dataset.equals("fashion-mnist") && !dataset.equals("imagenet")) {
            throw new UsageException("unknown dataset '" + dataset + "': use fashion-mnist or imagenet");
        }
        String model = ModelSpec.Variant.parse(f.get("model", "imagenet".equals(dataset) ? "alexnet" : "alexnet-fashion")).id();
        Engines.Choice choice = chooseEngine(f);
        try (RunFolder folder = claimOutput(f, dataset == null ? "fashion-mnist" : dataset, model, resume)) {
            folder.getNotes().forEach(n -> out.println("note: " + n));
            Path output = folder.getDirectory();
            Path last = Training.lastCheckpoint(output);
            // Verified whole (checksum) before any of its settings are trusted.
            Properties saved = resume && Files.exists(last) ? Checkpoint.read(last).getProperties() : null;
            if (saved != null) {
                String trained = Training.metadataOf(saved).getProperty("dataset", "fashion-mnist");
                if (dataset != null && !dataset.equals(trained)) {
                    throw new UsageException("--dataset cannot change on --resume: the run in " + output + " trains on "
                            + trained + "; drop --dataset, or start a new run with another --output");
                }
                dataset = trained;
            }
            if ("imagenet".equals(dataset)) {
                return trainImageNet(f, choice, output, saved);
            }
            for (String flag : IMAGENET_FLAGS) {
                if (f.has(flag)) {
                    throw new UsageException("--" + flag + " is for --dataset imagenet");
                }
            }
            return trainFashionMnist(f, choice, output, saved);
        }
    }

    /** The flags that may change when a run is resumed; every other setting is the run's own. */
    static final String RESUMABLE = "--lr, --epochs, --schedule and --patience";

    /**
     * The output folder, locked for this run. Without --output a new run takes runs/DATASET-MODEL, or
     * the first of -2, -3, ... that holds no run, so no run replaces another's results; --resume and
     * --overwrite take the latest of them.
     */
    private RunFolder claimOutput(Flags f, String dataset, String model, boolean resume) throws java.io.IOException {
        RunFolder.Mode mode = resume ? RunFolder.Mode.RESUME
                : f.has("overwrite") ? RunFolder.Mode.OVERWRITE : RunFolder.Mode.NEW;
        try {
            if (f.has("output")) {
                return RunFolder.claim(Path.of(f.get("output", null)), mode);
            }
            Path base = Path.of("runs", dataset + "-" + model);
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

    private int trainFashionMnist(Flags f, Engines.Choice choice, Path output, Properties saved) throws java.io.IOException,
            ai.djl.translate.TranslateException {
        Engine engine = choice.engine();
        Device[] devices = choice.devices();
        boolean gpu = devices[0].isGpu();
        ModelSpec spec;
        Recipe recipe;
        if (saved != null) {
            spec = resumedSpec(f, saved, output);
            recipe = resumedRecipe(f, spec, saved, output);
        } else {
            spec = modelSpec(f, "alexnet-fashion", FashionMnist.NUM_CLASSES, 1);
            recipe = recipe(f, spec, gpu, null);
        }
        spec.inputShape(recipe.getResolution()); // rejects a resolution the model cannot take, before loading data
        MemoryEstimate.check(spec, recipe.getResolution(), recipe.getBatchSize(), MemoryEstimate.availableBytes());
        Path dataDir = f.has("data-dir") ? Path.of(f.get("data-dir", null)) : null;
        try (CtrlC ctrlC = new CtrlC()) {
            FashionMnistTraining run = FashionMnistTraining.builder()
                    .setSpec(spec)
                    .setRecipe(recipe)
                    .optDataDirectory(dataDir)
                    .optDevices(devices)
                    .optOutputDir(output)
                    .optResume(saved != null)
                    .addListener(new ConsoleProgress(out, System.console() != null))
                    .optStopSignal(ctrlC.signal)
                    .build();
            try (Model model = Model.newInstance(spec.getVariant().id(), devices[0], engine.getEngineName())) {
                model.setBlock(spec.build());
                History history = run.fit(model);
                var last = history.last();
                out.printf(Locale.ROOT, "final test accuracy: %.4f after %d epochs (train accuracy %.4f, loss %.4f); checkpoints in %s%n",
                        last.validationAccuracy(), last.epoch(), last.trainAccuracy(), last.trainLoss(), output);
            }
        }
        return 0;
    }

    /** The resumed run's network; a model flag that would change it is refused. */
    private static ModelSpec resumedSpec(Flags f, Properties saved, Path output) {
        Properties before = Training.metadataOf(saved);
        ModelSpec spec = ModelSpec.fromProperties(before);
        if (f.has("model") && ModelSpec.Variant.parse(f.get("model", null)) != spec.getVariant()) {
            throw frozen("model", output, spec.getVariant().id());
        }
        Properties asked = applyModelFlags(f, ModelSpec.fromProperties(before)).toProperties();
        for (String key : asked.stringPropertyNames()) {
            if (!asked.getProperty(key).equals(spec.toProperties().getProperty(key))) {
                String flag = MODEL_FLAG_OF.getOrDefault(key, key);
                if (flag.equals("paper-init") && f.has("default-init")) {
                    flag = "default-init";
                }
                throw frozen(flag, output, key + "=" + spec.toProperties().getProperty(key));
            }
        }
        return spec;
    }

    /** ModelSpec property → the flag that sets it. */
    private static final java.util.Map<String, String> MODEL_FLAG_OF = java.util.Map.of(
            "towers", "towers", "lrn", "no-lrn", "overlappingPooling", "pooling", "activation", "activation",
            "dropout", "dropout", "paperInit", "paper-init", "classes", "classes");

    /** Recipe property → the flag that sets it, for those that cannot change on --resume. */
    private static final java.util.Map<String, String> FROZEN_RECIPE = java.util.Map.of(
            "batchSize", "batch", "momentum", "momentum", "weightDecay", "weight-decay", "resolution", "resolution",
            "trainSubset", "subset", "testSubset", "test-subset", "seed", "seed");

    /** The resumed run's recipe with {@link #RESUMABLE} applied; a flag that would change the rest is refused. */
    private static Recipe resumedRecipe(Flags f, ModelSpec spec, Properties saved, Path output) {
        Recipe before = Training.recipeOf(saved);
        Recipe asked = recipe(f, spec, false, before);
        Properties b = before.toProperties();
        Properties a = asked.toProperties();
        for (var e : FROZEN_RECIPE.entrySet()) {
            if (!a.getProperty(e.getKey()).equals(b.getProperty(e.getKey()))) {
                throw frozen(e.getValue(), output, b.getProperty(e.getKey()));
            }
        }
        int done = Integer.parseInt(saved.getProperty("epoch"));
        if (asked.getEpochs() < done) {
            throw new UsageException("--epochs " + asked.getEpochs() + " is fewer than the " + done
                    + " epochs the run in " + output + " has trained: give more to continue it");
        }
        return asked;
    }

    private static UsageException frozen(String flag, Path output, String value) {
        return new UsageException("--" + flag + " cannot change on --resume (the run in " + output + " has " + value
                + "): drop it, or start a new run with another --output; only " + RESUMABLE + " may change");
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
        Engines.Choice choice = Engines.choose(f.get("engine", null), 1); // the rule train used
        choice.notes().forEach(n -> out.println("note: " + n));
        Engine engine = choice.engine();
        Device device = choice.devices()[0];
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

    private int trainImageNet(Flags f, Engines.Choice choice, Path output, Properties saved) throws java.io.IOException,
            ai.djl.translate.TranslateException {
        // A resumed run continues with what it started with: data folder, classes, recipe, model.
        Properties savedMeta = saved == null ? new Properties() : Training.metadataOf(saved);
        String dataDir = f.get("data-dir", savedMeta.getProperty("data_root"));
        if (dataDir == null) {
            throw new UsageException("--dataset imagenet needs --data-dir DIR, the folder holding train/ and val/"
                    + " (see datasets/README.md; 'alexnet sample --output DIR' writes a small one)");
        }
        if (f.has("preset") && !f.get("preset", "").equals("paper")) {
            throw new UsageException("--dataset imagenet has the preset paper only; change single numbers with their flags");
        }
        Path root = Path.of(dataDir);
        Engine engine = choice.engine();
        Device[] devices = choice.devices();
        ImageNetLayout layout;
        ModelSpec spec;
        Recipe recipe;
        boolean lighting = !f.has("no-lighting");
        float pixelScale = f.getFloat("pixel-scale", 1f);
        if (saved != null) {
            spec = resumedSpec(f, saved, output);
            recipe = resumedRecipe(f, spec, saved, output);
            boolean savedLighting = Boolean.parseBoolean(savedMeta.getProperty("lighting", "true"));
            float savedScale = Float.parseFloat(savedMeta.getProperty("pixel_scale", "1"));
            if (f.has("no-lighting") && savedLighting) {
                throw frozen("no-lighting", output, "lighting=true");
            }
            if (f.has("pixel-scale") && pixelScale != savedScale) {
                throw frozen("pixel-scale", output, "pixel_scale=" + savedScale);
            }
            lighting = savedLighting;
            pixelScale = savedScale;
            layout = ImageNetLayout.read(root, spec.getClasses(), out::println);
            if (layout.getClassCount() != spec.getClasses()) {
                throw new DatasetException(root, "the run in " + output + " has " + spec.getClasses() + " classes but "
                        + root + " has " + layout.getClassCount() + ": resume with the --data-dir it was trained on");
            }
        } else {
            int classes = f.getInt("classes", 0);
            layout = ImageNetLayout.read(root, classes, out::println);
            if (classes > layout.getClassCount()) {
                throw new UsageException("--classes " + classes + " but " + root.resolve("train") + " has "
                        + layout.getClassCount() + " classes");
            }
            spec = modelSpec(f, "alexnet", layout.getClassCount(), 3);
            int images = layout.getTrainFiles().size();
            if (images < SMALL_TRAINING_SET) {
                // The paper's N(0, 0.01) weights on 0..255 inputs need ImageNet's size: on the README's
                // 1,000-image sample they diverged at epoch 4. Defaults only; flags still decide.
                List<String> chosen = new java.util.ArrayList<>();
                if (!f.has("paper-init") && !f.has("default-init")) {
                    spec.options().optPaperInit(false);
                    chosen.add("--default-init");
                }
                if (!f.has("pixel-scale")) {
                    pixelScale = SMALL_SET_PIXEL_SCALE;
                    chosen.add("--pixel-scale " + SMALL_SET_PIXEL_SCALE);
                }
                if (!chosen.isEmpty()) {
                    out.printf(Locale.ROOT, "note: %,d training images, fewer than %,d: %s by default, as the paper's"
                            + " initialisation on 0..255 inputs diverges on small sets (--paper-init --pixel-scale 1"
                            + " gives the paper's)%n", images, SMALL_TRAINING_SET, String.join(" ", chosen));
                }
            }
            if (spec.getVariant() != ModelSpec.Variant.ALEXNET) {
                throw new UsageException("--dataset imagenet trains --model alexnet (RGB input)");
            }
            recipe = recipe(f, spec, devices[0].isGpu(), Recipe.paper());
        }
        spec.inputShape(recipe.getResolution());
        MemoryEstimate.check(spec, recipe.getResolution(), recipe.getBatchSize(), MemoryEstimate.availableBytes());
        ConsoleProgress progress = new ConsoleProgress(out, System.console() != null);
        try (CtrlC ctrlC = new CtrlC()) {
            ImageNetTraining.Builder b = ImageNetTraining.builder()
                    .setLayout(layout)
                    .setSpec(spec)
                    .setRecipe(recipe)
                    .optDevices(devices)
                    .optOutputDir(output)
                    .optResume(saved != null)
                    .optThreads(f.getInt("threads", 0))
                    .optLighting(lighting)
                    .optPixelScale(pixelScale)
                    .optStatisticsImages(f.getInt("statistics-images", ImageNetTraining.DEFAULT_STATISTICS_IMAGES))
                    .addListener(progress)
                    .optStopSignal(ctrlC.signal);
            if (f.has("statistics")) {
                b.optStatisticsFile(Path.of(f.get("statistics", null)));
            }
            ImageNetTraining run = b.build();
            out.println(layout);
            try (Model model = Model.newInstance(spec.getVariant().id(), devices[0], engine.getEngineName())) {
                model.setBlock(spec.build());
                History history = run.fit(model);
                var last = history.last();
                out.printf(Locale.ROOT, "final validation (centre crop): top-1 %.4f%s after %d epochs; checkpoints in %s%n",
                        last.validationAccuracy(), top5(last.validationTop5(), ", "), last.epoch(), output);
                if (!f.has("no-ten-crop")) {
                    Evaluation ten = run.evaluate(model, ImageNet.Mode.TEN_CROP);
                    ImageNetTraining.appendEvaluation(output, last.epoch(), "10", ten);
                    out.printf(Locale.ROOT, "final validation (10 crops): top-1 %.4f%s on %d images%n",
                            ten.getTop1(), top5(ten.getTop5(), ", "), ten.getCount());
                }
            }
        }
        return 0;
    }

    /** Training sets smaller than this get {@code --default-init} and {@link #SMALL_SET_PIXEL_SCALE} by default. */
    static final int SMALL_TRAINING_SET = 50_000;
    static final float SMALL_SET_PIXEL_SCALE = 1f / 255;

    /** ", top-5 0.1234", or nothing when top-5 means nothing (5 classes or fewer). */
    static String top5(double value, String separator) {
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%stop-5 %.4f", separator, value);
    }

    private int evaluateImageNet(Flags f, Path ckpt, Checkpoint.Header header) throws java.io.IOException,
            ai.djl.translate.TranslateException {
        Properties meta = Training.metadataOf(header);
        Recipe recipe = Training.recipeOf(header);
        ModelSpec spec = ModelSpec.fromProperties(meta);
        Path root = Path.of(f.get("data-dir", meta.getProperty("data_root")));
        Engines.Choice choice = Engines.choose(f.get("engine", null), 1); // the rule train used
        choice.notes().forEach(n -> out.println("note: " + n));
        Engine engine = choice.engine();
        Device device = choice.devices()[0];
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
            out.printf(Locale.ROOT, "centre crop: top-1 accuracy %.4f%s on %d images%n",
                    centre.getTop1(), top5(centre.getTop5(), ", "), centre.getCount());
            if (!f.has("no-ten-crop")) {
                Evaluation ten = run.evaluate(model, ImageNet.Mode.TEN_CROP);
                out.printf(Locale.ROOT, "10 crops: top-1 accuracy %.4f%s on %d images%n",
                        ten.getTop1(), top5(ten.getTop5(), ", "), ten.getCount());
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
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UsageException(dir + " is a file, not a folder: choose another --output");
        }
        if (Files.exists(dir.resolve("train")) || Files.exists(dir.resolve("val"))) {
            throw new UsageException(dir + " already holds a dataset (train/ or val/): choose another --output,"
                    + " or delete it first");
        }
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
            out.print(f.has("html") ? s.toHtml(true) + "\n" : s.toText(true));
        }
        return 0;
    }

    private static ModelSpec modelSpec(Flags f, String defaultModel, int classes, int channels) {
        return applyModelFlags(f, ModelSpec.of(ModelSpec.Variant.parse(f.get("model", defaultModel)), classes, channels));
    }

    /** {@code spec} with the model flags applied. */
    private static ModelSpec applyModelFlags(Flags f, ModelSpec spec) {
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
