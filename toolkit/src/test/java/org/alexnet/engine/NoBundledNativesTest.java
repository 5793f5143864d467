package org.alexnet.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.alexnet.train.History;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gpu jar's mechanism, on the CPU: the command runs on a class path without the engines' bundled
 * native jars (as the gpu jar is built), so DJL must find a library elsewhere. Pointed at a local
 * libtorch folder (unpacked here from the pytorch-native-cpu jar, as a user would point it at the
 * lib/ folder of a CUDA PyTorch) it trains; with nothing loadable it says so in one line.
 */
class NoBundledNativesTest {

    @TempDir
    static Path dir;

    static Path libtorch;

    @BeforeAll
    static void unpackLibtorch() throws IOException {
        String nativeJar = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> e.contains("pytorch-native-cpu"))
                .findFirst()
                .orElseThrow();
        libtorch = Files.createDirectories(dir.resolve("libtorch"));
        try (JarFile jar = new JarFile(nativeJar)) {
            for (JarEntry e : jar.stream()
                    .filter(e -> !e.isDirectory() && e.getName().startsWith("pytorch/"))
                    .toList()) {
                try (InputStream in = jar.getInputStream(e)) {
                    Files.copy(
                            in,
                            libtorch.resolve(Path.of(e.getName()).getFileName().toString()));
                }
            }
        }
    }

    record Result(int code, String out, String err) {}

    /** Runs the command without the native jars, with its own empty DJL cache and no network. */
    static Result alexnet(Map<String, String> env, String... args) throws Exception {
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.contains("mxnet-native") && !e.contains("pytorch-native"))
                .collect(Collectors.joining(File.pathSeparator));
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-DENGINE_CACHE_DIR=" + dir.resolve("djl-cache-" + System.nanoTime()),
                "-cp",
                classPath,
                "org.alexnet.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("PYTORCH_LIBRARY_PATH");
        pb.environment().remove("MXNET_LIBRARY_PATH");
        pb.environment().putAll(env);
        Path out = Files.createTempFile(dir, "out", ".log");
        Path err = Files.createTempFile(dir, "err", ".log");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        // A hang guard only.
        assertTrue(p.waitFor(20, TimeUnit.MINUTES), "no exit after 20 minutes: hung? " + Files.readString(out));
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void doctorReportsALocalLibtorchAndWhyMXNetIsMissing() throws Exception {
        Result r = alexnet(Map.of("PYTORCH_LIBRARY_PATH", libtorch.toString()), "doctor");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("bundles no native library"), r.out());
        assertTrue(
                r.out().contains("PyTorch    2.7.1, CPU build")
                        && r.out().contains("from a local folder (PYTORCH_LIBRARY_PATH)"),
                r.out());
        assertTrue(r.out().contains("           " + libtorch), r.out());
        assertTrue(
                r.out()
                        .contains(
                                "MXNet      not loadable: MXNet's native library could not be loaded: this jar bundles"
                                        + " none (the gpu jar)"),
                r.out());
        assertTrue(r.out().contains("training   PyTorch on cpu()"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void trainsASmokeRunOnALocalLibtorch() throws Exception {
        Path run = dir.resolve("run");
        Result r = alexnet(
                Map.of("PYTORCH_LIBRARY_PATH", libtorch.toString()),
                "train",
                "--preset",
                "smoke",
                "--epochs",
                "1",
                "--output",
                run.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("note: using PyTorch: MXNet's native library could not be loaded"), r.out());
        assertTrue(r.out().contains("on cpu() (PyTorch 2.7.1)"), r.out());
        History h = History.readCsv(run.resolve("history.csv"));
        assertEquals(1, h.size());
        assertTrue(Double.isFinite(h.last().trainLoss()) && h.last().validationAccuracy() >= 0, h.toCsv());
        assertFalse(
                r.out().contains("WARN") || r.err().contains("WARN") || r.err().contains("Exception"),
                r.out() + r.err());
    }

    @Test
    void withNothingLoadableTrainingStopsWithOneClearLine() throws Exception {
        long start = System.nanoTime();
        Result r = alexnet(
                Map.of(),
                "train",
                "--preset",
                "smoke",
                "--output",
                dir.resolve("none").toString());
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(1, r.code(), r.out() + r.err());
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), r.err());
        assertTrue(
                lines.get(0)
                        .startsWith("alexnet: MXNet's native library could not be loaded: this jar bundles none"
                                + " (the gpu jar) and DJL could not download it (no network); set MXNET_LIBRARY_PATH"),
                r.err());
        assertFalse(Files.exists(dir.resolve("none")), "nothing written");
        System.out.printf("no engine: exit after %.1f s%n", seconds);
    }
}
