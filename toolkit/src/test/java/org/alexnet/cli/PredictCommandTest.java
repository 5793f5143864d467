package org.alexnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.alexnet.data.FashionMnist;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** predict and export on the command line: a checkpoint and its export give the same classes and probabilities. */
class PredictCommandTest {

    @Test
    void aCheckpointAndItsExportPredictTheSame(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        MainTest.Result trained = MainTest.run(
                "train",
                "--preset",
                "smoke",
                "--model",
                "lenet",
                "--subset",
                "200",
                "--test-subset",
                "100",
                "--output",
                run.toString());
        assertEquals(0, trained.code(), trained.err());
        Path images = Files.createDirectories(dir.resolve("images"));
        for (int i = 0; i < 2; i++) {
            BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 8; y < 22; y++) {
                for (int x = 10 + 5 * i; x < 30; x++) {
                    img.getRaster().setSample(x, y, 0, 200);
                }
            }
            ImageIO.write(img, "png", images.resolve("garment" + i + ".png").toFile());
        }
        Files.writeString(images.resolve("broken.jpg"), "not an image");

        Path exported = dir.resolve("exported");
        MainTest.Result export = MainTest.run("export", "--model", run.toString(), "--output", exported.toString());
        assertEquals(0, export.code(), export.err());
        assertTrue(Files.exists(exported.resolve("classes.txt")), export.out());

        Path csv = dir.resolve("p.csv");
        MainTest.Result fromCheckpoint = MainTest.run(
                "predict", "--model", run.toString(), "--top", "3", "--csv", csv.toString(), images.toString());
        MainTest.Result fromExport =
                MainTest.run("predict", "--model", exported.toString(), "--top", "3", images.toString());
        assertEquals(1, fromCheckpoint.code(), "the broken image makes the exit code 1: " + fromCheckpoint.err());
        assertEquals(fromCheckpoint.out(), fromExport.out());
        List<String> rows = Files.readAllLines(csv);
        assertEquals("image,rank,class,name,probability,error", rows.get(0));
        assertEquals(1 + 1 + 2 * 3, rows.size(), "a row for the broken file and 3 per readable image: " + rows);
        assertTrue(FashionMnist.CLASS_NAMES.stream().anyMatch(n -> rows.get(2).contains(n)), rows.get(2));

        MainTest.Result noImages = MainTest.run("predict", "--model", run.toString());
        assertEquals(2, noImages.code());
        assertEquals(
                "alexnet: predict needs IMAGE (see: alexnet predict --help)",
                noImages.err().strip());
    }
}
