package org.alexnet.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs scripts/alexnet_torch.py with Debian's python3-torch (tests skip, saying why, where it is absent). */
final class PythonTorch {

    static final Path PYTHON = Path.of("/usr/bin/python3");
    static final Path SCRIPT = locate();
    private static Boolean available;

    private PythonTorch() {}

    private static Path locate() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path s = p.resolve("scripts/alexnet_torch.py");
            if (Files.exists(s)) {
                return s;
            }
        }
        throw new IllegalStateException(
                "scripts/alexnet_torch.py not found above " + Path.of("").toAbsolutePath());
    }

    /** Skips the calling test when /usr/bin/python3 cannot import torch and numpy. */
    static synchronized void assumeAvailable() throws Exception {
        if (available == null) {
            available =
                    Files.isExecutable(PYTHON) && exec(List.of(PYTHON.toString(), "-c", "import torch, numpy")) == 0;
        }
        Assumptions.assumeTrue(
                available,
                "python3-torch is not installed (/usr/bin/python3 cannot import torch):"
                        + " scripts/setup.sh installs it");
    }

    /** Runs the script with {@code args}; fails the test with its output when it does not exit 0. */
    static void run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(PYTHON.toString(), SCRIPT.toString()));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile("alexnet-torch", ".log");
        try {
            int rc = exec(cmd, log);
            String output = read(log);
            assertEquals(0, rc, () -> String.join(" ", cmd) + " failed:\n" + output);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static int exec(List<String> cmd) throws Exception {
        return exec(cmd, null);
    }

    private static int exec(List<String> cmd, Path log) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", "2");
        pb.redirectOutput(log == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(log.toFile()));
        Process p = pb.start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) { // only catches a hang
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    private static String read(Path log) throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }
}
