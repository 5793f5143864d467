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
import org.alexnet.train.Training;

/** The {@code alexnet} command: train, evaluate and summarise the networks of this project. */
public final class Main {

    static final String USAGE = String.join("\n",
            "usage: alexnet <command> [flags]",
            "",
            "commands:",
            "  train      train a model on Fashion-MNIST (checkpoints every epoch, --resume continues)",
            "  evaluate   evaluate a checkpoint on the test set",
            "  summary    print a model's layers, output shapes and parameter counts",
            "",
            "run 'alexnet <command> --help' for the flags of a command");

    static final String TRAIN_HELP = String.join("\n",
            "usage: alexnet train [flags]",
            "  --dataset NAME        fashion-mnist (default)",
            "  --data-dir DIR        folder with the dataset files (default: search, see README)",
            "  --model NAME          alexnet-fashion (default), alexnet, lenet",
            "  --preset NAME         workshop (default on CPU: 96 px, 10k images, 3 epochs), d2l (224 px,",
            "                        all images, 10 epochs; default with a GPU), paper, smoke",
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
            "  --engine NAME         MXNet (default) or PyTorch",
            "  --gpus N              use at most N GPUs (default: all DJL sees; 0 = CPU)",
            "  --seed N              random seed (default 42)",
            "  --output DIR          checkpoints and history.csv (default runs/<dataset>-<model>)",
            "  --resume              continue from DIR/last.ckpt");

    static final String EVALUATE_HELP = String.join("\n",
            "usage: alexnet evaluate --checkpoint FILE|DIR [--data-dir DIR] [--engine NAME]",
            "  evaluates the model stored in a checkpoint (DIR means DIR/last.ckpt) on the test set,",
            "  at the resolution it was trained with; prints top-1, top-5 and per-class accuracy");

    static final String SUMMARY_HELP = String.join("\n",
            "usage: alexnet summary [--model alexnet|alexnet-fashion|lenet] [--resolution N] [--classes N]",
            "                       [--towers 1|2] [--no-lrn] [--pooling ...] [--html] [--engine NAME]");

    private static final Set<String> MODEL_FLAGS = Set.of("model", "towers", "pooling", "activation", "dropout");
    private static final Set<String> MODEL_SWITCHES = Set.of("no-lrn", "paper-init", "help");

    private final PrintStream out;
    private final PrintStream err;

    Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(new Main(System.out, System.err).run(args));
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
                default:
                    throw new UsageException("unknown command '" + command + "': use train, evaluate or summary");
            }
        } catch (UsageException | IllegalArgumentException e) {
            err.println("alexnet: " + e.getMessage());
            return 2;
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
                        "gpus", "seed", "output"),
                union(MODEL_SWITCHES, "resume"));
        if (f.has("help")) {
            out.println(TRAIN_HELP);
            return 0;
        }
        String dataset = f.get("dataset", "fashion-mnist");
        if (!dataset.equals("fashion-mnist")) {
            throw new UsageException("unknown dataset '" + dataset + "': use fashion-mnist");
        }
        Engine engine = Engines.select(f.get("engine", null));
        Device[] devices = Engines.devices(engine, f.getInt("gpus", -1));
        boolean gpu = devices[0].isGpu();
        ModelSpec spec = modelSpec(f, "alexnet-fashion", FashionMnist.NUM_CLASSES, 1);
        Recipe recipe = recipe(f, spec, gpu);
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

    private int evaluate(String[] args) throws java.io.IOException, ai.djl.translate.TranslateException {
        Flags f = Flags.parse("evaluate", args, Set.of("checkpoint", "data-dir", "engine", "batch"), Set.of("help"));
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
        if (f.has("paper-init")) {
            o.optPaperInit(true);
        }
        return spec;
    }

    private static Recipe recipe(Flags f, ModelSpec spec, boolean gpu) {
        String preset = f.get("preset", gpu ? "d2l" : "workshop");
        Recipe base;
        switch (preset) {
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
