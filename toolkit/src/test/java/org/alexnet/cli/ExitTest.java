package org.alexnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "train", "--preset", "smoke", "--model", "lenet", "--data-dir", dir.toString(),
                "--output", dir.resolve("run").toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String line;
            try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                line = err.readLine(); // blocks until the message (or the end of a crashed JVM)
                long printed = System.nanoTime();
                assertTrue(line != null && line.startsWith("alexnet: Fashion-MNIST file ") && line.contains("is missing"), line);
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
}
