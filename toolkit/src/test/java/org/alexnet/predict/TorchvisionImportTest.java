package org.alexnet.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.alexnet.model.ModelSpec;
import org.alexnet.model.ModelSummary;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A randomly initialised torchvision AlexNet saved by PyTorch (torchvision's own class where it is
 * installed), converted by scripts/alexnet_torch.py, imported here: the same scores as torch's.
 */
class TorchvisionImportTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void makeWeights() throws Exception {
        PythonTorch.assumeAvailable();
        PythonTorch.run("random", dir.resolve("tv.pth").toString(), "--seed", "7");
        PythonTorch.run(
                "convert",
                dir.resolve("tv.pth").toString(),
                dir.resolve("tv.npz").toString());
        Files.writeString(dir.resolve("tv.properties"), "model=alexnet-torchvision\nclasses=1000\n");
        // 224 (adaptive pooling is the identity) and 256 (it averages 7x7 maps down to 6x6).
        for (int size : new int[] {224, 256}) {
            try (NDManager m = NDManager.newBaseManager("PyTorch")) {
                m.getEngine().setRandomSeed(size);
                NDArray x = m.randomNormal(new Shape(2, 3, size, size));
                x.setName("x");
                try (OutputStream out = Files.newOutputStream(dir.resolve("x" + size + ".npz"))) {
                    new NDList(x).encode(out, NDList.Encoding.NPZ);
                }
            }
            PythonTorch.run(
                    "forward",
                    dir.resolve("tv.npz").toString(),
                    dir.resolve("tv.properties").toString(),
                    dir.resolve("x" + size + ".npz").toString(),
                    dir.resolve("y" + size + ".npz").toString());
        }
    }

    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void importedWeightsGiveTorchsScores(String engine) throws Exception {
        try (TrainedModel m = TrainedModel.importTorchvision(dir.resolve("tv.npz"), engine)) {
            assertEquals(ModelSpec.Variant.ALEXNET_TORCHVISION, m.getSpec().getVariant());
            assertEquals(
                    61_100_840L,
                    ModelSummary.of(m.getModel().getBlock(), new Shape(1, 3, 224, 224))
                            .getTotalParameters());
            assertEquals(1000, m.getClassNames().size());
            assertEquals("tench", m.getClassNames().get(0));
            assertEquals("toilet tissue", m.getClassNames().get(999));
            for (int size : new int[] {224, 256}) {
                try (NDManager scope = m.getModel().getNDManager().newSubManager()) {
                    NDArray x = read(scope, dir.resolve("x" + size + ".npz"));
                    float[] ours = m.scores(x).toFloatArray();
                    float[] torch =
                            read(scope, dir.resolve("y" + size + ".npz")).toFloatArray();
                    assertEquals(2000, torch.length);
                    assertClose(torch, ours, 1e-4, engine + " at " + size);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void importWritesAFolderThatLoadsInDjlAndTorchvision(String engine) throws Exception {
        Path folder = dir.resolve("imported-" + engine);
        IOException pth = org.junit.jupiter.api.Assertions.assertThrows(
                IOException.class, () -> TorchvisionImport.run(dir.resolve("tv.pth"), folder, engine));
        assertTrue(pth.getMessage().contains("scripts/alexnet_torch.py convert"), pth.getMessage());
        assertEquals(folder, TorchvisionImport.run(dir.resolve("tv.npz"), folder, engine));
        try (TrainedModel m = TrainedModel.load(folder, engine);
                NDManager scope = NDManager.newBaseManager(engine)) {
            assertEquals("tench", m.getClassNames().get(0));
            assertEquals(InputPipeline.Kind.CHANNEL_MEAN, m.getInput().getKind());
            float[] torch = read(scope, dir.resolve("y224.npz")).toFloatArray();
            assertClose(
                    torch, m.scores(read(scope, dir.resolve("x224.npz"))).toFloatArray(), 1e-4, engine + " reloaded");
        }
        // The exported PyTorch file keeps torchvision's names: it loads strictly into torchvision's AlexNet.
        Path y = dir.resolve("y-exported-" + engine + ".npz");
        PythonTorch.run(
                "forward",
                folder.resolve(Export.TORCH_FILE).toString(),
                folder.resolve("alexnet.properties").toString(),
                dir.resolve("x224.npz").toString(),
                y.toString());
        try (NDManager scope = NDManager.newBaseManager(engine)) {
            assertClose(
                    read(scope, dir.resolve("y224.npz")).toFloatArray(),
                    read(scope, y).toFloatArray(),
                    1e-4,
                    "exported");
        }
    }

    static NDArray read(NDManager m, Path npz) throws Exception {
        try (InputStream in = Files.newInputStream(npz)) {
            return NDList.decode(m, in).head();
        }
    }

    static void assertClose(float[] expected, float[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what);
        double worst = 0;
        double spread = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
            spread = Math.max(spread, Math.abs(expected[i]));
        }
        // Outputs of zero would make the comparison empty.
        assertTrue(spread > 1e-3, what + ": outputs are all near zero (" + spread + ")");
        assertTrue(worst <= tolerance, what + ": largest difference " + worst + " > " + tolerance);
    }
}
