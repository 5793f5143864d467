package org.alexnet.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.alexnet.data.transform.FloatImage;
import org.alexnet.model.ModelSpec;
import org.alexnet.train.ImageNetData;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Export, then load with DJL's Criteria (and with TrainedModel.load): the same scores bit for bit; the
 * PyTorch file in the documented module (scripts/alexnet_torch.py): the same within 1e-4. Two
 * variants cover the module's options: the paper's (two towers, LRN, 3 channels, conv1 padding 2)
 * and the Fashion-MNIST one (one tower, no LRN, 1 channel, no padding), at 67 px to stay small.
 */
class ExportTest {

    static final int RESOLUTION = 67;

    static Stream<Arguments> cases() {
        return Stream.of("MXNet", "PyTorch")
                .flatMap(e -> Stream.of(Arguments.of(e, "alexnet"), Arguments.of(e, "alexnet-fashion")));
    }

    /** A randomly initialised model of {@code variant} with a made-up input pipeline. */
    static TrainedModel model(String engine, String variant) {
        boolean fashion = variant.equals("alexnet-fashion");
        ModelSpec spec = ModelSpec.of(ModelSpec.Variant.parse(variant), 10, fashion ? 1 : 3)
                .withPaperInit(false); // DJL's default initialisation: outputs far from zero
        InputPipeline input;
        if (fashion) {
            input = InputPipeline.grey(RESOLUTION);
        } else {
            int scale = ImageNetData.scaleFor(RESOLUTION);
            float[] mean = new float[3 * scale * scale];
            for (int i = 0; i < mean.length; i++) {
                mean[i] = 100 + (i % 37);
            }
            input = InputPipeline.meanImage(RESOLUTION, scale, new FloatImage(3, scale, scale, mean), 1f / 255);
        }
        Model model = Model.newInstance(variant, (Device) null, engine);
        model.setBlock(spec.build());
        model.getBlock()
                .initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1).addAll(spec.inputShape(RESOLUTION)));
        List<String> names = IntStream.range(0, 10).mapToObj(i -> "thing " + i).toList();
        return TrainedModel.of(spec, model, input, names, "test");
    }

    @ParameterizedTest
    @MethodSource("cases")
    void exportLoadsWithCriteriaAndInPyTorch(String engine, String variant, @TempDir Path dir) throws Exception {
        Path folder = dir.resolve("exported");
        try (TrainedModel original = model(engine, variant);
                NDManager m = NDManager.newBaseManager(engine)) {
            Export.run(original, folder);
            assertTrue(Files.exists(folder.resolve("alexnet-0000.params")));
            m.getEngine().setRandomSeed(3);
            NDArray x = m.randomUniform(
                    -1, 1, new Shape(3).addAll(original.getSpec().inputShape(RESOLUTION)));
            float[] expected = original.scores(x).toFloatArray();

            // DJL's standard loading: the spec's block and the folder, no project translator.
            Criteria<NDList, NDList> criteria = Criteria.builder()
                    .setTypes(NDList.class, NDList.class)
                    .optModelPath(folder)
                    .optModelName("alexnet")
                    .optEngine(engine)
                    .optBlock(ModelSpec.fromProperties(props(folder)).build())
                    .build();
            try (ZooModel<NDList, NDList> zoo = criteria.loadModel();
                    Predictor<NDList, NDList> predictor = zoo.newPredictor()) {
                float[] loaded = predictor.predict(new NDList(x)).head().toFloatArray();
                assertArrayEquals(expected, loaded, engine + " " + variant + " through Criteria");
            }
            try (TrainedModel again = TrainedModel.load(folder, engine)) {
                assertArrayEquals(expected, again.scores(x).toFloatArray());
                assertEquals(original.getClassNames(), again.getClassNames());
                assertEquals(original.getInput().toString(), again.getInput().toString());
                if (original.getInput().getMeanImage() != null) {
                    assertArrayEquals(
                            original.getInput().getMeanImage().data(),
                            again.getInput().getMeanImage().data());
                }
            }

            PythonTorch.assumeAvailable();
            x.setName("x");
            try (OutputStream out = Files.newOutputStream(dir.resolve("x.npz"))) {
                new NDList(x).encode(out, NDList.Encoding.NPZ);
            }
            PythonTorch.run(
                    "forward",
                    folder.resolve(Export.TORCH_FILE).toString(),
                    folder.resolve("alexnet.properties").toString(),
                    dir.resolve("x.npz").toString(),
                    dir.resolve("y.npz").toString());
            float[] torch = TorchvisionImportTest.read(m, dir.resolve("y.npz")).toFloatArray();
            TorchvisionImportTest.assertClose(expected, torch, 1e-4, engine + " " + variant + " in PyTorch");
        }
    }

    static Properties props(Path folder) throws Exception {
        Properties p = new Properties();
        try (var in = Files.newInputStream(folder.resolve("alexnet.properties"))) {
            p.load(in);
        }
        return p;
    }
}
