package org.alexnet.cli;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.alexnet.data.FashionMnist;
import org.alexnet.data.imagenet.ImageNet;
import org.alexnet.data.imagenet.ImageNetLayout;
import org.alexnet.eval.Evaluation;
import org.alexnet.model.ModelSpec;
import org.alexnet.train.Checkpoint;
import org.alexnet.train.ConsoleProgress;
import org.alexnet.train.FashionMnistData;
import org.alexnet.train.History;
import org.alexnet.train.ImageNetData;
import org.alexnet.train.MemoryEstimate;
import org.alexnet.train.Preset;
import org.alexnet.train.Recipe;
import org.alexnet.train.RunState;
import org.alexnet.train.StopSignal;
import org.alexnet.train.Training;
import org.alexnet.train.TrainingData;

/**
 * The command line's calls into {@code org.alexnet.train}, one method per action (preset lookup,
 * reading a saved run, training each dataset, evaluating a checkpoint), so a new training API is
 * adopted here and nowhere else in the package.
 */
final class Runs {

    private Runs() {}

    /** The Fashion-MNIST presets by their command-line names, in the order help lists them. */
    static Map<String, Recipe> presets() {
        Map<String, Recipe> presets = new LinkedHashMap<>();
        for (Preset p : List.of(Preset.WORKSHOP, Preset.D2L_96, Preset.D2L, Preset.PAPER, Preset.SMOKE)) {
            presets.put(p.id(), p.recipe());
        }
        return presets;
    }

    /** The preset a Fashion-MNIST run gets without --preset. */
    static String defaultPreset(boolean gpu) {
        return Preset.fashionMnistDefault(gpu).id();
    }

    /** The one recipe ImageNet runs start from. */
    static final String IMAGENET_PRESET = Preset.PAPER.id();

    static Recipe preset(String name) {
        Recipe r = presets().get(name);
        if (r == null) {
            throw new UsageException("unknown preset '" + name + "': use "
                    + String.join(", ", presets().keySet()));
        }
        return r;
    }

    /** The largest --resolution the memory estimate considers. */
    static final int MAX_RESOLUTION = MemoryEstimate.MAX_RESOLUTION;

    /** Refuses a resolution the model cannot take or the machine cannot hold, before loading data. */
    static void checkFits(ModelSpec spec, Recipe recipe) {
        spec.inputShape(recipe.getResolution());
        MemoryEstimate.check(spec, recipe.getResolution(), recipe.getBatchSize(), MemoryEstimate.availableBytes());
    }

    /** A run saved in {@code output}: its checkpoint's state, verified whole; null when it has no last checkpoint. */
    static RunState savedRun(Path output) throws IOException {
        Path last = Training.lastCheckpoint(output);
        return Files.exists(last) ? Checkpoint.read(last).state() : null;
    }

    static Recipe.Schedule schedule(String name) {
        return Recipe.Schedule.parse(name);
    }

    /** Trains (or resumes) a Fashion-MNIST run, on crops and mirror images when {@code augment}, and prints its final line. */
    static void trainFashionMnist(
            ModelSpec spec,
            Recipe recipe,
            Path dataDir,
            boolean augment,
            EngineOptions.Selection engine,
            Path output,
            boolean resume,
            StopSignal stop,
            PrintStream out)
            throws IOException, TranslateException {
        try (Model model = Training.newModel(spec, engine.engine().getEngineName(), engine.devices()[0])) {
            History history = fit(
                    model,
                    spec,
                    new FashionMnistData(dataDir).withAugmentation(augment),
                    recipe,
                    engine,
                    output,
                    resume,
                    stop,
                    out);
            var last = history.last();
            out.printf(
                    Locale.ROOT,
                    "final test accuracy: %.4f after %d epochs (train accuracy %.4f, loss %.4f); checkpoints in %s%n",
                    last.validationAccuracy(),
                    last.epoch(),
                    last.trainAccuracy(),
                    last.trainLoss(),
                    output);
        }
    }

    /** Trains (or resumes) {@code model} on {@code data} with the console progress bar: both datasets' run. */
    private static History fit(
            Model model,
            ModelSpec spec,
            TrainingData data,
            Recipe recipe,
            EngineOptions.Selection engine,
            Path output,
            boolean resume,
            StopSignal stop,
            PrintStream out)
            throws IOException, TranslateException {
        return Training.builder()
                .setModel(model, spec)
                .setData(data)
                .setRecipe(recipe)
                .optDevices(engine.devices())
                .optOutputDir(output)
                .optResume(resume)
                .addListener(new ConsoleProgress(out, System.console() != null))
                .optStopSignal(stop)
                .build()
                .fit();
    }

    /** What an ImageNet run needs besides model, recipe and devices. */
    record ImageNetSettings(
            ImageNetLayout layout,
            boolean lighting,
            float pixelScale,
            int threads,
            int statisticsImages,
            Path statisticsFile,
            boolean tenCrop) {}

    static final int DEFAULT_STATISTICS_IMAGES = ImageNetData.DEFAULT_STATISTICS_IMAGES;

    /** Trains (or resumes) an ImageNet run, then evaluates it with 10 crops unless told not to. */
    static void trainImageNet(
            ModelSpec spec,
            Recipe recipe,
            ImageNetSettings s,
            EngineOptions.Selection engine,
            Path output,
            boolean resume,
            StopSignal stop,
            PrintStream out)
            throws IOException, TranslateException {
        ImageNetData.Builder b = ImageNetData.builder()
                .setLayout(s.layout())
                .optThreads(s.threads())
                .optLighting(s.lighting())
                .optPixelScale(s.pixelScale())
                .optStatisticsImages(s.statisticsImages());
        if (s.statisticsFile() != null) {
            b.optStatisticsFile(s.statisticsFile());
        }
        ImageNetData run = b.build();
        out.println(s.layout());
        try (Model model = Training.newModel(spec, engine.engine().getEngineName(), engine.devices()[0])) {
            History history = fit(model, spec, run, recipe, engine, output, resume, stop, out);
            var last = history.last();
            out.printf(
                    Locale.ROOT,
                    "final validation (centre crop): top-1 %.4f%s after %d epochs; checkpoints in %s%n",
                    last.validationAccuracy(),
                    Main.top5(last.validationTop5(), ", "),
                    last.epoch(),
                    output);
            if (s.tenCrop()) {
                Evaluation ten = run.evaluate(model, recipe, ImageNet.Mode.TEN_CROP);
                ImageNetData.appendEvaluation(output, last.epoch(), "10", ten);
                out.printf(
                        Locale.ROOT,
                        "final validation (10 crops): top-1 %.4f%s on %d images%n",
                        ten.getTop1(),
                        Main.top5(ten.getTop5(), ", "),
                        ten.getCount());
            }
        }
    }

    /** A checkpoint read back and verified: how it was trained, and its arrays for {@link #loadCheckpointModel}. */
    record Saved(Path file, RunState state, Checkpoint.Header header) {
        boolean isImageNet() {
            return ImageNetData.NAME.equals(state.datasetName());
        }

        ModelSpec spec() {
            return state.spec();
        }

        Recipe recipe() {
            return state.recipe();
        }
    }

    /**
     * Reads {@code file} (a folder means its last checkpoint), verified whole (its checksum) before any
     * of its settings are used; {@link #loadCheckpointModel} loads its arrays without verifying again.
     */
    static Saved readCheckpoint(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            file = file.resolve(Checkpoint.LAST);
        }
        Checkpoint.Header header = Checkpoint.read(file);
        return new Saved(file, header.state(), header);
    }

    /** The checkpoint's network with its parameters, on {@code device}. */
    static Model loadCheckpointModel(Saved saved, Engine engine, Device device) throws IOException {
        return Checkpoint.loadModel(saved.header(), engine.getEngineName(), device)
                .model();
    }

    /** Evaluates a Fashion-MNIST checkpoint on the test set; prints per-class and overall accuracy. */
    static void evaluateFashionMnist(
            Saved saved, Path dataDir, Integer batch, EngineOptions.Selection engine, PrintStream out)
            throws IOException, TranslateException {
        Recipe recipe = saved.recipe();
        ModelSpec spec = saved.spec();
        FashionMnist test = FashionMnistData.of(saved.state(), dataDir)
                .validationSet(recipe.toBuilder()
                        .batchSize(batch != null ? batch : recipe.getBatchSize())
                        .build());
        try (Model model = loadCheckpointModel(saved, engine.engine(), engine.devices()[0])) {
            Block block = model.getBlock();
            ParameterStore ps = new ParameterStore(model.getNDManager(), false);
            Evaluation e =
                    Evaluation.run(x -> block.forward(ps, x, false), test, model.getNDManager(), spec.getClasses());
            out.printf(
                    Locale.ROOT,
                    "checkpoint: %s (%s, epoch %d)%n",
                    saved.file(),
                    spec,
                    saved.state().epoch());
            out.printf(Locale.ROOT, "test images: %d at %d px%n", e.getCount(), recipe.getResolution());
            long[][] c = e.getConfusion();
            for (int i = 0; i < c.length; i++) {
                long total = 0;
                for (long v : c[i]) {
                    total += v;
                }
                out.printf(
                        Locale.ROOT,
                        "  %-12s %.4f%n",
                        FashionMnist.CLASS_NAMES.get(i),
                        total == 0 ? Double.NaN : (double) c[i][i] / total);
            }
            out.printf(
                    Locale.ROOT,
                    "top-1 accuracy: %.4f%s%n",
                    e.getTop1(),
                    Double.isNaN(e.getTop5()) ? "" : String.format(Locale.ROOT, ", top-5 accuracy: %.4f", e.getTop5()));
        }
    }

    /** Evaluates an ImageNet checkpoint with the centre crop and, unless told not to, 10 crops. */
    static void evaluateImageNet(
            Saved saved,
            ImageNetLayout layout,
            Integer batch,
            boolean tenCrop,
            EngineOptions.Selection engine,
            PrintStream out)
            throws IOException, TranslateException {
        Recipe recipe = saved.recipe().toBuilder()
                .batchSize(batch != null ? batch : saved.recipe().getBatchSize())
                .build();
        ImageNetData run = ImageNetData.from(saved.state(), layout.getRoot())
                .setLayout(layout)
                .optReporter(m -> out.println(m))
                .build();
        try (Model model = loadCheckpointModel(saved, engine.engine(), engine.devices()[0])) {
            out.printf(
                    Locale.ROOT,
                    "checkpoint: %s (%s, epoch %d)%n",
                    saved.file(),
                    saved.spec(),
                    saved.state().epoch());
            out.println(layout);
            Evaluation centre = run.evaluate(model, recipe, ImageNet.Mode.CENTER);
            out.printf(
                    Locale.ROOT,
                    "centre crop: top-1 accuracy %.4f%s on %d images%n",
                    centre.getTop1(),
                    Main.top5(centre.getTop5(), ", "),
                    centre.getCount());
            if (tenCrop) {
                Evaluation ten = run.evaluate(model, recipe, ImageNet.Mode.TEN_CROP);
                out.printf(
                        Locale.ROOT,
                        "10 crops: top-1 accuracy %.4f%s on %d images%n",
                        ten.getTop1(),
                        Main.top5(ten.getTop5(), ", "),
                        ten.getCount());
            }
        }
    }
}
