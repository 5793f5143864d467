package org.alexnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the process ends (a JVM of its own): the exit code, and promptly after the message. */
class ExitTest {

    /**
     * Defect 1: an error before training printed its line and then the JVM waited 600 s in the Ctrl-C
     * shutdown hook. The time is measured from the message, not from JVM start.
     */
    @Test
    void anErrorBeforeTrainingEndsTheProcessWithinFiveSecondsOfItsMessage(@TempDir Path dir) throws Exception {
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        Main.class.getName(),
                        "train",
                        "--preset",
                        "smoke",
                        "--model",
                        "lenet",
                        "--data-dir",
                        dir.toString(),
                        "--output",
                        dir.resolve("run").toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            String line;
            try (BufferedReader err =
                    new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                line = err.readLine(); // blocks until the message (or the end of a crashed JVM)
                long printed = System.nanoTime();
                assertTrue(
                        line != null && line.startsWith("alexnet: Fashion-MNIST file ") && line.contains("is missing"),
                        line);
                boolean ended = p.waitFor(5, TimeUnit.SECONDS);
                double seconds = (System.nanoTime() - printed) / 1e9;
                assertTrue(ended, "still running 5 s after its message: " + line);
                assertEquals(List.of(), err.lines().toList(), "nothing after the one line");
                assertTrue(seconds < 5, seconds + " s");
            }
            assertEquals(1, p.exitValue());
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * Defect 2, default folders: without --output the second run of the same model goes to
     * runs/DATASET-MODEL-2 and says so, leaving the first run's files as they were.
     */
    @Test
    void aSecondRunWithoutOutputTakesTheNextNumberedFolder(@TempDir Path dir) throws Exception {
        List<String> cmd = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "train",
                "--preset",
                "smoke",
                "--model",
                "lenet",
                "--resolution",
                "28",
                "--subset",
                "100",
                "--test-subset",
                "100");
        Path first = dir.resolve("runs/fashion-mnist-lenet");
        Path log = dir.resolve("first.log");
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "hung? " + Files.readString(log)); // a hang guard
        assertEquals(0, p.exitValue(), Files.readString(log));
        byte[] history = Files.readAllBytes(first.resolve("history.csv"));
        byte[] checkpoint = Files.readAllBytes(first.resolve("last.ckpt"));

        log = dir.resolve("second.log");
        p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "hung? " + Files.readString(log));
        String second = Files.readString(log);
        assertEquals(0, p.exitValue(), second);
        assertTrue(
                second.contains("note: " + Path.of("runs", "fashion-mnist-lenet")
                        + " holds an earlier run; this one writes to " + Path.of("runs", "fashion-mnist-lenet-2")),
                second);
        assertTrue(Files.exists(dir.resolve("runs/fashion-mnist-lenet-2/last.ckpt")), second);
        assertTrue(Arrays.equals(history, Files.readAllBytes(first.resolve("history.csv"))), "first history kept");
        assertTrue(Arrays.equals(checkpoint, Files.readAllBytes(first.resolve("last.ckpt"))), "first checkpoint kept");
    }
}
