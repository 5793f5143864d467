package org.alexnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.alexnet.data.imagenet.ImageNet;
import org.alexnet.data.imagenet.ImageNetLayout;
import org.alexnet.data.imagenet.ImageNetSample;
import org.alexnet.experiment.AblationTrial;
import org.alexnet.experiment.Experiment;
import org.alexnet.train.Checkpoint;
import org.alexnet.train.ImageNetData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** alexnet experiment and alexnet figure1: their flags, errors, and one smoke run through the command line. */
class ExperimentCommandTest {

    @Test
    void helpListsTheArmsAndThePresets() {
        MainTest.Result r = MainTest.run("experiment", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("one-tower-half"), r.out());
        assertTrue(r.out().contains("ablation-workshop, ablation-live, ablation-smoke"), r.out());
        MainTest.Result f = MainTest.run("figure1", "--help");
        assertEquals(0, f.code());
        assertTrue(f.out().contains("figure1-workshop, figure1-smoke"), f.out());
    }

    @Test
    void badInputIsOneLineAndExitsTwo(@TempDir Path dir) {
        MainTest.Result arm = MainTest.run("experiment", "--arms", "no-lrm", "--output", dir.toString());
        assertEquals(2, arm.code());
        assertTrue(arm.err().contains("unknown arm 'no-lrm': use baseline, no-lrn,"), arm.err());
        MainTest.Result imagenet = MainTest.run("experiment", "--dataset", "imagenet", "--output", dir.toString());
        assertEquals(2, imagenet.code());
        assertTrue(imagenet.err().contains("--dataset imagenet needs --data-dir"), imagenet.err());
        MainTest.Result seeds = MainTest.run("experiment", "--seeds", "1,1", "--output", dir.toString());
        assertEquals(2, seeds.code());
        MainTest.Result levels = MainTest.run("figure1", "--levels", "25", "--output", dir.toString());
        assertEquals(2, levels.code());
        assertTrue(levels.err().contains("--levels are training-error fractions"), levels.err());
        assertEquals(List.of(), list(dir));
    }

    @Test
    void smokeStudyFromTheCommandLine(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("study");
        MainTest.Result r = MainTest.run(
                "experiment",
                "--preset",
                "ablation-smoke",
                "--arms",
                "centre-test",
                "--seeds",
                "1,2",
                "--output",
                out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(4, Experiment.read(out.resolve(Experiment.RESULTS)).size());
        assertTrue(r.out().contains("centre-test"), r.out());
        assertTrue(
                Files.readString(out.resolve("summary.txt")).startsWith("alexnet experiment --preset ablation-smoke"));
        assertTrue(Files.readString(out.resolve("summary.csv")).startsWith("arm,runs,top-1 error %"));
    }

    @Test
    void imageNetLayoutStudy(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("sample");
        ImageNetSample.builder()
                .optClasses(3)
                .optTrainPerClass(8)
                .optValidationPerClass(2)
                .optOddFiles(false)
                .optShorterSide(80, 140)
                .build()
                .write(root);
        Path out = dir.resolve("study");
        MainTest.Result r = MainTest.run(
                "experiment",
                "--dataset",
                "imagenet",
                "--data-dir",
                root.toString(),
                "--preset",
                "ablation-smoke",
                "--arms",
                "centre-test",
                "--seeds",
                "1",
                "--output",
                out.toString());
        assertEquals(0, r.code(), r.err() + r.out());
        var rows = Experiment.read(out.resolve(Experiment.RESULTS));
        assertEquals(
                List.of("baseline", "centre-test"),
                rows.stream().map(Experiment.Result::arm).toList());
        var layout = ImageNetLayout.read(root);
        try (var loaded = Checkpoint.loadModel(out.resolve("baseline/seed-1"), "MXNet", Device.cpu())) {
            var data = ImageNetData.builder()
                    .setLayout(layout)
                    .optReporter(m -> {})
                    .optPixelScale(loaded.state().imageNet().pixelScale())
                    .build();
            var recipe = AblationTrial.testRecipe(loaded.state().recipe());
            var ten = data.evaluate(loaded.model(), recipe, ImageNet.Mode.TEN_CROP);
            var centre = data.evaluate(loaded.model(), recipe, ImageNet.Mode.CENTER);
            assertEquals(1 - ten.getTop1(), rows.get(0).top1Error(), 1e-12);
            assertEquals(1 - centre.getTop1(), rows.get(1).top1Error(), 1e-12);
            assertEquals(6, ten.getCount());
        }
    }

    private static List<Path> list(Path dir) {
        try (var s = Files.list(dir)) {
            return s.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
