package org.alexnet.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenMP defaults reach the engine's native OpenMP runtime: libgomp prints the settings it read
 * at start-up when OMP_DISPLAY_ENV is set, in a process of its own (OpenMP reads them once).
 */
class NativeThreadsTest {

    static String run(Path dir, String... env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "org.alexnet.cli.Main",
                "summary",
                "--model",
                "lenet"));
        pb.environment().remove("OMP_NUM_THREADS");
        pb.environment().remove("OMP_WAIT_POLICY");
        pb.environment().put("OMP_DISPLAY_ENV", "true");
        for (int i = 0; i < env.length; i += 2) {
            pb.environment().put(env[i], env[i + 1]);
        }
        Path log = Files.createTempFile(dir, "summary", ".log");
        Process p = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "hung? " + Files.readString(log));
        assertEquals(0, p.exitValue(), Files.readString(log));
        return Files.readString(log);
    }

    @Test
    void mxnetGetsOneThreadPerCoreAndPassiveWaiting(@TempDir Path dir) throws Exception {
        String out = run(dir);
        int cores = Runtime.getRuntime().availableProcessors();
        assertTrue(out.contains("OMP_NUM_THREADS = '" + cores + "'"), out);
        assertTrue(out.contains("OMP_WAIT_POLICY = 'PASSIVE'"), out);
    }

    @Test
    void theUsersSettingsWin(@TempDir Path dir) throws Exception {
        String out = run(dir, "OMP_NUM_THREADS", "1", "OMP_WAIT_POLICY", "ACTIVE");
        assertTrue(out.contains("OMP_NUM_THREADS = '1'"), out);
        assertTrue(out.contains("OMP_WAIT_POLICY = 'ACTIVE'"), out);
    }
}
