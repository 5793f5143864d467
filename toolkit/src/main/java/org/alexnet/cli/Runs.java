package org.alexnet.cli;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.alexnet.data.FashionMnist;
import org.alexnet.data.imagenet.ImageNet;
import org.alexnet.data.imagenet.ImageNetLayout;
import org.alexnet.eval.Evaluation;
import org.alexnet.model.ModelSpec;
import org.alexnet.train.Checkpoint;
import org.alexnet.train.ConsoleProgress;
import org.alexnet.train.FashionMnistTraining;
import org.alexnet.train.History;
import org.alexnet.train.MemoryEstimate;
import org.alexnet.train.ImageNetTraining;
import org.alexnet.train.Recipe;
import org.alexnet.train.StopSignal;
import org.alexnet.train.Training;

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
        presets.put("workshop", Recipe.workshop());
        presets.put("d2l", Recipe.fashionMnist());
        presets.put("paper", Recipe.paper());
        presets.put("smoke", Recipe.smoke());
        return presets;
    }

    /** The preset a Fashion-MNIST run gets without --preset. */
    static String defaultPreset(boolean gpu) {
        return gpu ? "d2l" : "workshop";
    }

    /** The one recipe ImageNet runs start from. */
    static final String IMAGENET_PRESET = "paper";

    static Recipe preset(String name) {
        Recipe r = presets().get(name);
        if (r == null) {
            throw new UsageException("unknown preset '" + name + "': use " + String.join(", ", presets().keySet()));
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

    /** A run saved in {@code output}: its checkpoint's settings, verified whole; null when it has no last checkpoint. */
    static Properties savedRun(Path output) throws IOException {
        Path last = Training.lastCheckpoint(output);
        return Files.exists(last) ? Checkpoint.read(last).getProperties() : null;
    }

    /** The metadata (dataset, model spec, data folder, ImageNet settings) of a saved run or checkpoint. */
    static Properties metadata(Properties saved) {
        return Training.metadataOf(saved);
    }

    static Recipe recipe(Properties saved) {
        return Training.recipeOf(saved);
    }

    /** Epochs a saved run has completed. */
    static int epochsDone(Properties saved) {
        return Integer.parseInt(saved.getProperty("epoch"));
    }

    static Recipe.Schedule schedule(String name) {
        return Recipe.Schedule.parse(name);
    }

    /** Trains (or resumes) a Fashion-MNIST run and prints its final line. */
    static void trainFashionMnist(ModelSpec spec, Recipe recipe, Path dataDir, EngineOptions.Selection engine, Path output,
            boolean resume, StopSignal stop, PrintStream out) throws IOException, TranslateException {
        FashionMnistTraining run = FashionMnistTraining.builder()
                .setSpec(spec)
                .setRecipe(recipe)
                .optDataDirectory(dataDir)
                .optDevices(engine.devices())
                .optOutputDir(output)
                .optResume(resume)
                .addListener(new ConsoleProgress(out, System.console() != null))
                .optStopSignal(stop)
                .build();
        try (Model model = newModel(spec, engine.engine(), engine.devices()[0])) {
            History history = run.fit(model);
            var last = history.last();
            out.printf(Locale.ROOT, "final test accuracy: %.4f after %d epochs (train accuracy %.4f, loss %.4f); checkpoints in %s%n",
                    last.validationAccuracy(), last.epoch(), last.trainAccuracy(), last.trainLoss(), output);
        }
    }

    /** What an ImageNet run needs besides model, recipe and devices. */
    record ImageNetSettings(ImageNetLayout layout, boolean lighting, float pixelScale, int threads, int statisticsImages,
            Path statisticsFile, boolean tenCrop) {}

    static final int DEFAULT_STATISTICS_IMAGES = ImageNetTraining.DEFAULT_STATISTICS_IMAGES;

    /** Trains (or resumes) an ImageNet run, then evaluates it with 10 crops unless told not to. */
    static void trainImageNet(ModelSpec spec, Recipe recipe, ImageNetSettings s, EngineOptions.Selection engine, Path output,
            boolean resume, StopSignal stop, PrintStream out) throws IOException, TranslateException {
        ImageNetTraining.Builder b = ImageNetTraining.builder()
                .setLayout(s.layout())
                .setSpec(spec)
                .setRecipe(recipe)
                .optDevices(engine.devices())
                .optOutputDir(output)
                .optResume(resume)
                .optThreads(s.threads())
                .optLighting(s.lighting())
                .optPixelScale(s.pixelScale())
                .optStatisticsImages(s.statisticsImages())
                .addListener(new ConsoleProgress(out, System.console() != null))
                .optStopSignal(stop);
        if (s.statisticsFile() != null) {
            b.optStatisticsFile(s.statisticsFile());
        }
        ImageNetTraining run = b.build();
        out.println(s.layout());
        try (Model model = newModel(spec, engine.engine(), engine.devices()[0])) {
            History history = run.fit(model);
            var last = history.last();
            out.printf(Locale.ROOT, "final validation (centre crop): top-1 %.4f%s after %d epochs; checkpoints in %s%n",
                    last.validationAccuracy(), Main.top5(last.validationTop5(), ", "), last.epoch(), output);
            if (s.tenCrop()) {
                Evaluation ten = run.evaluate(model, ImageNet.Mode.TEN_CROP);
                ImageNetTraining.appendEvaluation(output, last.epoch(), "10", ten);
                out.printf(Locale.ROOT, "final validation (10 crops): top-1 %.4f%s on %d images%n",
                        ten.getTop1(), Main.top5(ten.getTop5(), ", "), ten.getCount());
            }
        }
    }

    private static Model newModel(ModelSpec spec, Engine engine, Device device) {
        Model model = Model.newInstance(spec.getVariant().id(), device, engine.getEngineName());
        model.setBlock(spec.build());
        return model;
    }

    /** A checkpoint read back: the model it holds and how it was trained. */
    record Saved(Path file, Checkpoint.Header header, Properties metadata, Recipe recipe, ModelSpec spec) {
        boolean isImageNet() {
            return "imagenet".equals(metadata.getProperty("dataset"));
        }
    }

    /** Reads {@code file} (a folder means its last checkpoint), verified whole. */
    static Saved readCheckpoint(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            file = file.resolve(Checkpoint.LAST);
        }
        Checkpoint.Header header = Checkpoint.read(file);
        Properties meta = Training.metadataOf(header);
        return new Saved(file, header, meta, Training.recipeOf(header), ModelSpec.fromProperties(meta));
    }

    /** The checkpoint's network with its parameters, on {@code device}. */
    static Model loadCheckpointModel(Saved saved, Engine engine, Device device) throws IOException {
        Model model = Model.newInstance(saved.spec().getVariant().id(), device, engine.getEngineName());
        Block block = saved.spec().build();
        model.setBlock(block);
        block.initialize(model.getNDManager(), DataType.FLOAT32,
                new Shape(1).addAll(saved.spec().inputShape(saved.recipe().getResolution())));
        saved.header().restoreParameters(block, model.getNDManager());
        return model;
    }

    /** Evaluates a Fashion-MNIST checkpoint on the test set; prints per-class and overall accuracy. */
    static void evaluateFashionMnist(Saved saved, Path dataDir, Integer batch, EngineOptions.Selection engine, PrintStream out)
            throws IOException, TranslateException {
        Recipe recipe = saved.recipe();
        ModelSpec spec = saved.spec();
        FashionMnist test = FashionMnistTraining.builder()
                .setSpec(spec)
                .setRecipe(recipe.toBuilder().batchSize(batch != null ? batch : recipe.getBatchSize()).build())
                .optDataDirectory(dataDir)
                .build()
                .testSet();
        test.prepare();
        try (Model model = loadCheckpointModel(saved, engine.engine(), engine.devices()[0])) {
            Block block = model.getBlock();
            ParameterStore ps = new ParameterStore(model.getNDManager(), false);
            Evaluation e = Evaluation.run(x -> block.forward(ps, x, false), test, model.getNDManager(), spec.getClasses());
            out.printf(Locale.ROOT, "checkpoint: %s (%s, epoch %d)%n", saved.file(), spec, saved.header().getEpoch());
            out.printf(Locale.ROOT, "test images: %d at %d px%n", e.getCount(), recipe.getResolution());
            long[][] c = e.getConfusion();
            for (int i = 0; i < c.length; i++) {
                long total = 0;
                for (long v : c[i]) {
                    total += v;
                }
                out.printf(Locale.ROOT, "  %-12s %.4f%n", FashionMnist.CLASS_NAMES.get(i),
                        total == 0 ? Double.NaN : (double) c[i][i] / total);
            }
            out.printf(Locale.ROOT, "top-1 accuracy: %.4f%s%n", e.getTop1(),
                    Double.isNaN(e.getTop5()) ? "" : String.format(Locale.ROOT, ", top-5 accuracy: %.4f", e.getTop5()));
        }
    }

    /** Evaluates an ImageNet checkpoint with the centre crop and, unless told not to, 10 crops. */
    static void evaluateImageNet(Saved saved, ImageNetLayout layout, Integer batch, boolean tenCrop,
            EngineOptions.Selection engine, PrintStream out) throws IOException, TranslateException {
        Recipe recipe = saved.recipe();
        ImageNetTraining run = ImageNetTraining.builder().setLayout(layout).setSpec(saved.spec())
                .optPixelScale(Float.parseFloat(saved.metadata().getProperty("pixel_scale", "1")))
                .setRecipe(recipe.toBuilder().batchSize(batch != null ? batch : recipe.getBatchSize()).build())
                .optReporter(m -> out.println(m)).build();
        try (Model model = loadCheckpointModel(saved, engine.engine(), engine.devices()[0])) {
            out.printf(Locale.ROOT, "checkpoint: %s (%s, epoch %d)%n", saved.file(), saved.spec(), saved.header().getEpoch());
            out.println(layout);
            Evaluation centre = run.evaluate(model, ImageNet.Mode.CENTER);
            out.printf(Locale.ROOT, "centre crop: top-1 accuracy %.4f%s on %d images%n",
                    centre.getTop1(), Main.top5(centre.getTop5(), ", "), centre.getCount());
            if (tenCrop) {
                Evaluation ten = run.evaluate(model, ImageNet.Mode.TEN_CROP);
                out.printf(Locale.ROOT, "10 crops: top-1 accuracy %.4f%s on %d images%n",
                        ten.getTop1(), Main.top5(ten.getTop5(), ", "), ten.getCount());
            }
        }
    }
}
