package org.alexnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.alexnet.train.Checkpoint;
import org.alexnet.train.History;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

    /** Output of one in-process run of the command. */
    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new Main(
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void assertOneLineError(Result r, int code, String expected) {
        assertEquals(code, r.code(), r.err());
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), "one line: " + err);
        assertTrue(err.startsWith("alexnet: ") && err.contains(expected), err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + err);
    }

    @Test
    void badFlagsAndValuesGiveOneLineAndExitCode2() {
        assertOneLineError(run("train", "--bogus"), 2, "unknown flag --bogus");
        assertOneLineError(run("train", "--epochs", "ten"), 2, "--epochs must be a whole number");
        assertOneLineError(run("train", "--epochs"), 2, "--epochs needs a value");
        assertOneLineError(run("train", "--lr", "-1"), 2, "learning rate must be a positive number");
        assertOneLineError(run("train", "--towers", "3"), 2, "towers must be 1 or 2");
        assertOneLineError(run("train", "--resolution", "32"), 2, "at least 67 pixels");
        assertOneLineError(run("train", "--model", "vgg"), 2, "unknown model 'vgg'");
        assertOneLineError(run("train", "--engine", "TensorFlow"), 2, "unknown engine 'TensorFlow'");
        assertOneLineError(run("train", "--subset", "15"), 2, "multiple of 10");
        assertOneLineError(run("fly"), 2, "unknown command 'fly'");
        assertOneLineError(run("evaluate"), 2, "needs --checkpoint");
    }

    @Test
    void missingDataGivesTheFixInOneLine(@TempDir Path empty) {
        Result r = run(
                "train",
                "--preset",
                "smoke",
                "--data-dir",
                empty.toString(),
                "--output",
                empty.resolve("o").toString());
        assertOneLineError(r, 1, "apt-get install dataset-fashion-mnist");
    }

    @Test
    void summaryPrintsThePapersParameterCounts() {
        Result paper = run("summary");
        assertEquals(0, paper.code(), paper.err());
        assertTrue(paper.out().contains("96x55x55") && paper.out().contains("60,965,224"), paper.out());
        // Forward multiply-adds of the two-tower network at 224 (ModelSummaryTest counts them by hand).
        assertTrue(paper.out().contains("724,406,816"), paper.out());
        assertTrue(run("summary", "--towers", "1").out().contains("62,378,344"));
        assertTrue(run("summary", "--model", "alexnet-fashion").out().contains("46,764,746"));
        assertTrue(run("summary", "--model", "lenet").out().contains("61,706"));
        // torchvision's network is an ImageNet network like alexnet: 1000 classes of RGB images by default.
        Result torchvision = run("summary", "--model", "alexnet-torchvision");
        assertTrue(torchvision.out().contains("61,100,840"), torchvision.out());
        assertTrue(run("summary", "--html").out().contains("<table"));
        assertTrue(run("summary", "--engine", "PyTorch").out().contains("60,965,224"));
    }

    @Test
    void evaluateRejectsATruncatedCheckpoint(@TempDir Path dir) throws Exception {
        Path ckpt = dir.resolve(Checkpoint.LAST);
        Files.write(ckpt, new byte[64]);
        assertOneLineError(run("evaluate", "--checkpoint", ckpt.toString()), 1, "not an AlexNet checkpoint");
        assertOneLineError(run("evaluate", "--checkpoint", dir.resolve("none").toString()), 1, "no checkpoint at");
    }

    /**
     * Kills a training process (SIGKILL) in the middle of epoch 2, then resumes it: the run continues
     * after epoch 1 and ends with all epochs; evaluate reproduces the final accuracy.
     */
    @Test
    void resumeAfterAKillMidEpochContinuesFromTheLastCheckpoint(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "train",
                "--preset",
                "smoke",
                "--epochs",
                "3",
                "--subset",
                "1280",
                "--batch",
                "32",
                "--output",
                out.toString()));
        Path log = dir.resolve("first.log");
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            // A hang guard, not a speed check.
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
            // Wait until epoch 1 is saved and epoch 2 has made progress, then kill without warning.
            while (!(Files.exists(out.resolve(Checkpoint.LAST))
                    && Files.readString(log).contains("epoch 2/3 [###"))) {
                assertTrue(p.isAlive(), "training ended early: " + Files.readString(log));
                assertTrue(System.nanoTime() < deadline, "no progress in 30 minutes, hung? " + Files.readString(log));
                Thread.sleep(100);
            }
        } finally {
            p.destroyForcibly().waitFor();
        }
        assertEquals(1, Checkpoint.read(out.resolve(Checkpoint.LAST)).getEpoch(), Files.readString(log));

        Result resumed = run("train", "--resume", "--output", out.toString());
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("resumed from") && resumed.out().contains("(epoch 1,"), resumed.out());
        assertFalse(resumed.out().contains("epoch 1/3"), "epoch 1 is not trained again");
        History h = History.readCsv(out.resolve("history.csv"));
        assertEquals(List.of(1, 2, 3), h.records().stream().map(r -> r.epoch()).toList());
        assertEquals(3, Checkpoint.read(out.resolve(Checkpoint.LAST)).getEpoch());

        Result eval = run("evaluate", "--checkpoint", out.toString());
        assertEquals(0, eval.code(), eval.err());
        String expected =
                String.format(Locale.ROOT, "top-1 accuracy: %.4f", h.last().validationAccuracy());
        assertTrue(eval.out().contains(expected), eval.out() + " vs " + expected);
        // A damaged checkpoint (one byte of its arrays flipped) is refused in one line before any evaluation.
        Path damaged = dir.resolve("damaged.ckpt");
        Files.copy(out.resolve("last.ckpt"), damaged);
        try (var raf = new RandomAccessFile(damaged.toFile(), "rw")) {
            long at = raf.length() / 2;
            raf.seek(at);
            int b = raf.read();
            raf.seek(at);
            raf.write(b ^ 0xff);
        }
        assertOneLineError(run("evaluate", "--checkpoint", damaged.toString()), 1, "is damaged (checksum mismatch)");
    }
}
