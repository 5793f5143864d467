package org.alexnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.alexnet.data.imagenet.ImageNetSample;
import org.alexnet.train.Checkpoint;
import org.alexnet.train.History;
import org.alexnet.train.RunState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ImageNet commands end to end on a generated sample in the ILSVRC layout: training that learns,
 * Ctrl-C with a checkpoint and an exact resume, the 10-crop evaluation, and the one-line errors.
 */
class ImageNetCommandTest {

    /** Short-run settings that learn on the sample within a few epochs (the paper's init does not). */
    static final List<String> QUICK = List.of(
            "--resolution", "72", "--batch", "32", "--default-init", "--pixel-scale", "0.0039215686", "--threads", "2");

    @Test
    void trainsOnTheSampleStopsOnCtrlCResumesAndEvaluatesWithTenCrops(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("sample");
        MainTest.Result sample =
                MainTest.run("sample", "--output", data.toString(), "--train-per-class", "60", "--val-per-class", "10");
        assertEquals(0, sample.code(), sample.err());
        assertTrue(sample.out().contains("3 broken files"), sample.out());

        Path out = dir.resolve("run");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx3g",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "train",
                "--dataset",
                "imagenet",
                "--data-dir",
                data.toString(),
                "--epochs",
                "6",
                "--output",
                out.toString()));
        cmd.addAll(QUICK);
        Path log = dir.resolve("first.log");
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        // A hang guard, not a speed check.
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
        while (!Files.readString(log).contains("epoch 2/6 [####")) {
            assertTrue(p.isAlive(), "training ended early: " + Files.readString(log));
            assertTrue(System.nanoTime() < deadline, "no progress in 30 minutes, hung? " + Files.readString(log));
            Thread.sleep(100);
        }
        // What Ctrl-C sends.
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        assertTrue(p.waitFor(3, TimeUnit.MINUTES), "no exit after SIGINT: " + Files.readString(log));
        String first = Files.readString(log);
        assertEquals(130, p.exitValue(), first);
        assertTrue(
                first.contains("skipped an unreadable image") && first.contains("dataset statistics: computing"),
                first);
        Matcher m = Pattern.compile("interrupted at epoch 2, batch (\\d+): saved .*last.ckpt; continue with --resume")
                .matcher(first);
        assertTrue(m.find(), first);
        RunState saved = Checkpoint.readState(out.resolve(Checkpoint.LAST));
        assertEquals(1, saved.epoch());
        assertEquals(Integer.parseInt(m.group(1)), saved.partial().batches());

        // --resume needs neither the data folder nor the settings again: they are in the checkpoint.
        MainTest.Result resumed =
                MainTest.run("train", "--dataset", "imagenet", "--resume", "--output", out.toString());
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("dataset statistics: read"), resumed.out());
        assertTrue(resumed.out().contains("(epoch 2, batch " + m.group(1) + ","), resumed.out());
        History h = History.readCsv(out.resolve("history.csv"));
        assertEquals(
                List.of(1, 2, 3, 4, 5, 6),
                h.records().stream().map(r -> r.epoch()).toList());
        double top1 = h.last().validationAccuracy();
        // Ten classes: chance is 0.10.
        assertTrue(top1 >= 0.25, "validation top-1 " + top1 + " is not clearly above chance\n" + resumed.out());
        Matcher ten = Pattern.compile(
                        "final validation \\(10 crops\\): top-1 (0\\.\\d+), top-5 (0\\.\\d+) on 100 images")
                .matcher(resumed.out());
        assertTrue(ten.find(), resumed.out());
        assertTrue(
                Files.readString(out.resolve("evaluation.csv")).startsWith("epoch,crops,images,top1,top5\n6,10,100,"));

        MainTest.Result eval = MainTest.run("evaluate", "--checkpoint", out.toString());
        assertEquals(0, eval.code(), eval.err());
        assertTrue(
                eval.out().contains(String.format(Locale.ROOT, "centre crop: top-1 accuracy %.4f", top1)), eval.out());
        assertTrue(eval.out().contains("10 crops: top-1 accuracy " + ten.group(1)), eval.out() + " vs " + ten.group(1));
    }

    @Test
    void badImageNetInputGivesOneLine(@TempDir Path dir) throws Exception {
        MainTest.Result r = MainTest.run("train", "--dataset", "imagenet");
        assertEquals(2, r.code());
        assertTrue(
                r.err().startsWith("alexnet: --dataset imagenet needs --data-dir DIR")
                        && r.err().strip().lines().count() == 1,
                r.err());
        r = MainTest.run("train", "--dataset", "imagenet", "--data-dir", dir.toString());
        assertEquals(1, r.code());
        assertTrue(
                r.err().contains("no ImageNet training folder")
                        && r.err().strip().lines().count() == 1,
                r.err());
        r = MainTest.run("train", "--classes", "5");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--classes is for --dataset imagenet"), r.err());
        r = MainTest.run("sample");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("sample needs --output DIR"), r.err());
        assertEquals(3, ImageNetSample.UNREADABLE_FILES);
    }
}
