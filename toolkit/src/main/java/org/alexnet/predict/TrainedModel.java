package org.alexnet.predict;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.alexnet.data.FashionMnist;
import org.alexnet.data.imagenet.DatasetStatistics;
import org.alexnet.data.imagenet.ImageNetLayout;
import org.alexnet.eval.LayerFeatures;
import org.alexnet.model.LayerStack;
import org.alexnet.model.ModelSpec;
import org.alexnet.model.TorchvisionAlexNet;
import org.alexnet.train.Checkpoint;
import org.alexnet.train.ImageNetData;
import org.alexnet.train.Recipe;
import org.alexnet.train.RunState;
import org.alexnet.train.Training;

/**
 * A network with what it takes to use it on image files: its {@link ModelSpec}, the
 * {@link InputPipeline} it was trained with and its class names. Opened from a training checkpoint,
 * an exported model folder ({@link Export}) or torchvision's weights converted to {@code .npz}.
 *
 * <pre>{@code
 * try (TrainedModel m = TrainedModel.open(Path.of("runs/fashion/best.ckpt"), null, null)) {
 *     float[] p = m.probabilities(Path.of("shirt.png"), false);
 * }
 * }</pre>
 */
public final class TrainedModel implements AutoCloseable {

    /** The file naming the spec inside an exported model folder. */
    public static final String SPEC_FILE = "alexnet.properties";
    /** The class names inside an exported model folder, one a line. */
    public static final String CLASSES_FILE = "classes.txt";

    private final ModelSpec spec;
    private final Model model;
    private final InputPipeline input;
    private final List<String> classNames;
    private final String source;

    private TrainedModel(ModelSpec spec, Model model, InputPipeline input, List<String> classNames, String source) {
        this.spec = spec;
        this.model = model;
        this.input = input;
        this.classNames = List.copyOf(classNames);
        this.source = source;
    }

    /**
     * Opens {@code path}: a checkpoint ({@code .ckpt}), a run folder (its best.ckpt, else last.ckpt), an
     * exported model folder, or torchvision weights as {@code .npz}.
     *
     * @param statistics for ImageNet checkpoints, the mean-image file the run used (null: the run's default)
     * @param engine a DJL engine name, null for DJL's default
     */
    public static TrainedModel open(Path path, Path statistics, String engine) throws IOException {
        if (Files.isDirectory(path)) {
            if (Files.exists(path.resolve(SPEC_FILE))) {
                return load(path, engine);
            }
            Path best = path.resolve(Checkpoint.BEST);
            return fromCheckpoint(Files.exists(best) ? best : path.resolve(Checkpoint.LAST), statistics, engine);
        }
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".npz")) {
            return importTorchvision(path, engine);
        }
        if (name.endsWith(".pth") || name.endsWith(".pt")) {
            return importTorchvision(path, engine); // explains the conversion
        }
        return fromCheckpoint(path, statistics, engine);
    }

    /**
     * A training checkpoint: its spec, its parameters, its input processing (Fashion-MNIST: grey at the
     * run's resolution; ImageNet: the run's mean image and pixel scale) and class names. This is the
     * one place that reads the training checkpoint format.
     */
    public static TrainedModel fromCheckpoint(Path file, Path statistics, String engine) throws IOException {
        RunState state = Checkpoint.readState(file);
        Recipe recipe = state.recipe();
        ModelSpec spec = state.spec();
        int resolution = recipe.getResolution();
        InputPipeline input;
        List<String> names;
        if (ImageNetData.NAME.equals(state.datasetName())) {
            ImageNetData.Facts facts = state.imageNet();
            Path root = facts.root();
            ImageNetLayout layout =
                    root != null && Files.isDirectory(root) ? ImageNetLayout.read(root, spec.getClasses()) : null;
            if (statistics == null && facts.statisticsFile() != null && Files.exists(facts.statisticsFile())) {
                statistics = facts.statisticsFile(); // the file the run was given
            }
            if (statistics == null && layout == null) {
                throw new IOException("the run's ImageNet folder " + root + " is not here: pass its statistics file"
                        + " (alexnet-statistics-*.bin) so predictions subtract the mean image it was trained with");
            }
            int scale = ImageNetData.scaleFor(resolution);
            DatasetStatistics stats = statistics != null
                    ? DatasetStatistics.read(statistics)
                    : ImageNetData.from(state, root).setLayout(layout).build().statistics(recipe);
            input = InputPipeline.meanImage(resolution, scale, stats.getMean(), facts.pixelScale());
            names = layout != null ? layout.getClassNames() : numbered(spec.getClasses());
        } else {
            input = InputPipeline.grey(resolution);
            names = spec.getClasses() == FashionMnist.NUM_CLASSES
                    ? FashionMnist.CLASS_NAMES
                    : numbered(spec.getClasses());
        }
        Model model = Checkpoint.loadModel(file, engine, null).model();
        return new TrainedModel(spec, model, input, names, file + " (epoch " + state.epoch() + ")");
    }

    /**
     * A model in memory (e.g. just trained in a notebook) with its input processing and class names;
     * closing the result closes {@code model}.
     */
    public static TrainedModel of(
            ModelSpec spec, Model model, InputPipeline input, List<String> classNames, String source) {
        return new TrainedModel(spec, model, input, classNames, source);
    }

    /** torchvision's AlexNet weights, converted to {@code .npz} by {@code scripts/alexnet_torch.py convert}. */
    public static TrainedModel importTorchvision(Path npz, String engine) throws IOException {
        String name = npz.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".pth") || name.endsWith(".pt")) {
            // A .pth is a Python pickle in a zip; unpickling is left to PyTorch itself.
            throw new IOException(npz + " is a PyTorch pickle: convert it first with"
                    + " /usr/bin/python3 scripts/alexnet_torch.py convert " + npz + " alexnet-owt.npz");
        }
        ModelSpec spec = ModelSpec.of(ModelSpec.Variant.ALEXNET_TORCHVISION, 1000, 3);
        InputPipeline input = InputPipeline.channelMean(TorchvisionAlexNet.MEAN, TorchvisionAlexNet.STD);
        Model model = newModel(spec, input, engine);
        try {
            TorchWeights.read(model.getBlock(), spec, npz);
        } catch (IOException e) {
            model.close();
            throw e;
        }
        return new TrainedModel(spec, model, input, imageNetClassNames(), npz.toString());
    }

    /**
     * A folder written by {@link Export}: loaded through DJL's {@link Criteria} (the block is the only
     * project class it needs), with the spec, input processing and class names beside it.
     */
    public static TrainedModel load(Path folder, String engine) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(folder.resolve(SPEC_FILE))) {
            p.load(in);
        }
        ModelSpec spec = ModelSpec.fromProperties(p);
        NDManager probe = NDManager.newBaseManager(engine == null ? Engine.getDefaultEngineName() : engine);
        InputPipeline input;
        try (probe) {
            input = InputPipeline.load(folder, probe);
        }
        Block block = spec.build();
        Criteria<NDList, NDList> criteria = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optModelPath(folder)
                .optModelName(p.getProperty("name", Export.NAME))
                .optBlock(block)
                .optEngine(engine)
                .build();
        ZooModel<NDList, NDList> model;
        try {
            model = criteria.loadModel();
        } catch (ModelNotFoundException | MalformedModelException e) {
            throw new IOException("could not load the model in " + folder + ": " + e.getMessage(), e);
        }
        List<String> names = Files.readAllLines(folder.resolve(CLASSES_FILE), StandardCharsets.UTF_8);
        return new TrainedModel(spec, model, input, names, folder.toString());
    }

    private static Model newModel(ModelSpec spec, InputPipeline input, String engine) {
        Model model = Training.newModel(spec, engine, null);
        Block block = model.getBlock();
        block.initialize(
                model.getNDManager(), DataType.FLOAT32, new Shape(1).addAll(spec.inputShape(input.getResolution())));
        return model;
    }

    /**
     * The 1000 ILSVRC-2012 classes in wnid order (torchvision's output order), each named by the first
     * WordNet lemma of its synset; the two lemmas that name two classes each (crane: the bird and the
     * machine; maillot) get their wnid too, "crane (n02012849)". The synsets are ImageNet's
     * LOC_synset_mapping.txt (docs/use-a-trained-model.md).
     */
    public static List<String> imageNetClassNames() {
        List<String[]> synsets;
        try (InputStream in = TrainedModel.class.getResourceAsStream("imagenet-synsets.txt")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            synsets = text.lines()
                    .map(l -> new String[] {
                        l.substring(0, l.indexOf(' ')),
                        l.substring(l.indexOf(' ') + 1).split(",")[0].trim()
                    })
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Long> uses = synsets.stream().collect(Collectors.groupingBy(s -> s[1], Collectors.counting()));
        return synsets.stream()
                .map(s -> uses.get(s[1]) > 1 ? s[1] + " (" + s[0] + ")" : s[1])
                .toList();
    }

    private static List<String> numbered(int classes) {
        return IntStream.range(0, classes).mapToObj(i -> "class " + i).toList();
    }

    /** Class scores (logits) for a batch of inputs from {@link InputPipeline#load}; inference mode. */
    public NDArray scores(NDArray input) {
        ParameterStore ps = new ParameterStore(input.getManager(), false);
        return model.getBlock().forward(ps, new NDList(input), false).head();
    }

    /**
     * Softmax probabilities of each class for one image file, averaged over the ten patches when
     * {@code tenCrop} (the paper's test).
     */
    public float[] probabilities(Path image, boolean tenCrop) throws IOException {
        try (NDManager scope = model.getNDManager().newSubManager()) {
            NDArray x = input.load(scope, image, tenCrop && input.hasTenCrop());
            return scores(x)
                    .softmax(1)
                    .mean(new int[] {0})
                    .toType(DataType.FLOAT32, false)
                    .toFloatArray();
        }
    }

    /** The activations of layer {@code layer} (e.g. "fc7") for one image file, central patch. */
    public float[] features(Path image, String layer) throws IOException {
        try (NDManager scope = model.getNDManager().newSubManager()) {
            NDArray x = input.load(scope, image, false);
            return LayerFeatures.forwardTo((LayerStack) model.getBlock(), x, layer)
                    .toType(DataType.FLOAT32, false)
                    .toFloatArray();
        }
    }

    public ModelSpec getSpec() {
        return spec;
    }

    /** The DJL model (its block holds the parameters). */
    public Model getModel() {
        return model;
    }

    public InputPipeline getInput() {
        return input;
    }

    public List<String> getClassNames() {
        return classNames;
    }

    /** Where the model came from, for reports. */
    public String getSource() {
        return source;
    }

    @Override
    public void close() {
        model.close();
    }

    @Override
    public String toString() {
        return spec + " from " + source + "; input: " + input;
    }
}
