package org.alexnet.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.alexnet.data.transform.FloatImage;
import org.alexnet.model.TorchvisionAlexNet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PredictTest {

    static Path png(Path dir, String name, int w, int h, Color c) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = img.createGraphics();
        g.setColor(c);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.WHITE);
        g.fillRect(w / 4, 0, 3, h); // a mark left of centre, to tell a mirrored patch from the original
        g.dispose();
        Path p = dir.resolve(name);
        ImageIO.write(img, "png", p.toFile());
        return p;
    }

    @Test
    void inputPipelinesGiveTheTrainingValues(@TempDir Path dir) throws IOException {
        Path file = png(dir, "red.png", 400, 300, new Color(200, 100, 50));
        try (NDManager m = NDManager.newBaseManager("MXNet")) {
            // Fashion-MNIST: luma of (200, 100, 50) = 124.2 -> 124, / 255, at the model's resolution.
            NDArray grey = InputPipeline.grey(67).load(m, file, true);
            assertEquals(new Shape(1, 1, 67, 67), grey.getShape());
            assertEquals(124f / 255, grey.getFloat(0, 0, 0, 0), 1e-6);

            // ImageNet checkpoints: (pixel - mean image) * pixel scale on the central patch.
            float[] mean = new float[3 * 256 * 256];
            Arrays.fill(mean, 0, 256 * 256, 20f);
            Arrays.fill(mean, 256 * 256, 2 * 256 * 256, 40f);
            Arrays.fill(mean, 2 * 256 * 256, mean.length, 60f);
            InputPipeline paper = InputPipeline.meanImage(224, 256, new FloatImage(3, 256, 256, mean), 0.5f);
            NDArray centre = paper.load(m, file, false);
            assertEquals(new Shape(1, 3, 224, 224), centre.getShape());
            assertEquals((200 - 20) * 0.5f, centre.getFloat(0, 0, 0, 0), 1e-5);
            assertEquals((100 - 40) * 0.5f, centre.getFloat(0, 1, 5, 100), 1e-5);
            assertEquals((50 - 60) * 0.5f, centre.getFloat(0, 2, 223, 223), 1e-5);

            // Ten patches: the centre one equals the single crop; patch k + 5 mirrors patch k.
            NDArray ten = paper.load(m, file, true);
            assertEquals(new Shape(10, 3, 224, 224), ten.getShape());
            assertArrayEquals(centre.toFloatArray(), ten.get(4).toFloatArray());
            assertArrayEquals(ten.get(0).flip(2).toFloatArray(), ten.get(5).toFloatArray());
            assertTrue(
                    !Arrays.equals(ten.get(0).toFloatArray(), ten.get(5).toFloatArray()), "the mark makes them differ");

            // torchvision: (pixel / 255 - mean) / std per channel.
            NDArray tv = InputPipeline.channelMean(TorchvisionAlexNet.MEAN, TorchvisionAlexNet.STD)
                    .load(m, file, false);
            assertEquals((200 / 255f - 0.485f) / 0.229f, tv.getFloat(0, 0, 0, 0), 1e-5);
            assertEquals((50 / 255f - 0.406f) / 0.225f, tv.getFloat(0, 2, 0, 0), 1e-5);
        }
    }

    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void topFiveWithNamesAndOneLineErrors(String engine, @TempDir Path dir) throws IOException {
        png(dir, "a.png", 80, 60, new Color(10, 200, 30));
        png(dir, "b.png", 50, 90, new Color(250, 250, 250));
        Files.write(dir.resolve("broken.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3});
        Files.writeString(dir.resolve("notes.txt"), "not an image, not listed");
        Files.write(dir.resolve("empty.png"), new byte[0]);
        png(dir, "tiny.png", 1, 1, Color.BLUE);
        BufferedImage grey = new BufferedImage(30, 20, BufferedImage.TYPE_BYTE_GRAY);
        ImageIO.write(grey, "png", dir.resolve("grey.png").toFile());
        try (TrainedModel m = ExportTest.model(engine, "alexnet-fashion")) {
            List<Path> files = Predict.expand(List.of(dir));
            assertEquals(
                    List.of("a.png", "b.png", "broken.jpg", "empty.png", "grey.png", "tiny.png"),
                    files.stream().map(p -> p.getFileName().toString()).toList());
            PredictionTable t = Predict.run(m, files, false, 5, s -> {});
            assertEquals(6, t.rows().size());
            assertEquals(2, t.failures());
            for (int bad : new int[] {2, 3}) {
                PredictionTable.Row broken = t.rows().get(bad);
                String name = broken.file().getFileName().toString();
                assertTrue(broken.error().contains(name) && !broken.error().contains("\n"), broken.error());
            }
            for (PredictionTable.Row r : List.of(
                    t.rows().get(0), t.rows().get(1), t.rows().get(4), t.rows().get(5))) {
                assertNull(r.error());
                // The same numbers as a softmax over the scores computed here.
                float[] p;
                try (NDManager s = m.getModel().getNDManager().newSubManager()) {
                    p = m.scores(m.getInput().load(s, r.file(), false))
                            .softmax(1)
                            .toFloatArray();
                }
                int best = 0;
                for (int c = 1; c < p.length; c++) {
                    best = p[c] > p[best] ? c : best;
                }
                assertEquals(5, r.classes().length);
                assertEquals(best, r.classes()[0]);
                assertEquals("thing " + best, r.names()[0]);
                assertEquals(p[best], r.probabilities()[0], 1e-6);
                for (int k = 1; k < 5; k++) {
                    assertTrue(r.probabilities()[k] <= r.probabilities()[k - 1]);
                    assertEquals(p[r.classes()[k]], r.probabilities()[k], 1e-6);
                }
            }
            String[] csv = t.toCsv().split("\n");
            assertEquals(1 + 4 * 5 + 2, csv.length);
            assertEquals("image,rank,class,name,probability,error", csv[0]);
            assertTrue(csv[11].startsWith(dir.resolve("broken.jpg") + ",,,,,"), csv[11]);
            assertTrue(csv[12].startsWith(dir.resolve("empty.png") + ",,,,,"), csv[12]);
            assertTrue(t.toTable().contains("skipped: "));
        }
        assertThrows(IOException.class, () -> Predict.expand(List.of(dir.resolve("missing"))));
    }
}
