package org.alexnet.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What {@code alexnet doctor} reports: the machine's GPUs, each engine's version, native build and
 * where it came from, the devices it sees, and what training would run on, with the reason when
 * that is not a GPU.
 */
public final class Doctor {

    private Doctor() {}

    /** The report's lines, and whether any engine could be loaded. */
    public record Report(List<String> lines, boolean usable) {}

    /** Builds the report; loads every training engine (so run it in a process of its own). */
    public static Report run(Cuda cuda) {
        List<String> lines = new ArrayList<>();
        Runtime rt = Runtime.getRuntime();
        lines.add(row(
                "java",
                String.format(
                        Locale.ROOT,
                        "%s (%s), %d cores, heap up to %.1f GB",
                        System.getProperty("java.version"),
                        System.getProperty("java.vendor"),
                        rt.availableProcessors(),
                        rt.maxMemory() / 1e9)));
        lines.add(row("jar", jar()));
        lines.add(row("GPUs", cuda.gpus() > 0 ? cuda.describe() : "none: " + cuda.describe()));
        boolean usable = false;
        for (String name : Engines.TRAINING) {
            Engine engine;
            try {
                engine = Engines.load(name);
            } catch (EngineException e) {
                lines.add(row(name, "not loadable: " + e.getMessage()));
                continue;
            }
            usable = true;
            NativeLibrary lib = NativeLibrary.of(engine);
            lines.add(row(
                    name,
                    String.format(
                            Locale.ROOT,
                            "%s, %s build%s from %s",
                            engine.getVersion(),
                            lib.cuda() ? "CUDA" : "CPU",
                            lib.features().isEmpty() ? "" : " (" + String.join(", ", lib.features()) + ")",
                            lib.source())));
            lines.add(row("", lib.path()));
            lines.add(row(
                    "",
                    "devices: "
                            + Arrays.stream(engine.getDevices())
                                    .map(Device::toString)
                                    .collect(Collectors.joining(", "))));
        }
        if (!usable) {
            lines.add(row("training", "impossible: no engine could be loaded (see above)"));
            return new Report(List.copyOf(lines), false);
        }
        lines.add(row("threads", NativeThreads.describe()));
        Engines.Choice choice;
        try {
            choice = Engines.choose(null, -1, cuda);
        } catch (EngineException e) {
            lines.add(row("training", "impossible: " + e.getMessage()));
            return new Report(List.copyOf(lines), false);
        }
        String devices = Arrays.stream(choice.devices()).map(Device::toString).collect(Collectors.joining(", "));
        lines.add(row(
                "training",
                String.format(
                        Locale.ROOT,
                        "%s on %s%s",
                        choice.engine().getEngineName(),
                        devices,
                        choice.devices()[0].isGpu() ? "" : cuda.gpus() == 0 ? " (no GPU: see GPUs)" : "")));
        choice.notes().forEach(n -> lines.add(row("", n)));
        return new Report(List.copyOf(lines), true);
    }

    private static String jar() {
        try {
            String where = Doctor.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .getPath();
            boolean mx = NativeLibrary.bundled(Engines.DEFAULT);
            boolean pt = NativeLibrary.bundled(Engines.PYTORCH);
            String natives = mx && pt
                    ? "bundles the CPU builds of MXNet and PyTorch (cannot use GPUs)"
                    : mx || pt
                            ? "bundles the CPU build of " + (mx ? "MXNet" : "PyTorch")
                            : "bundles no native library (DJL downloads the build that fits, or takes a local one)";
            return where + ": " + natives;
        } catch (RuntimeException e) {
            return "unknown";
        }
    }

    private static String row(String key, String value) {
        return String.format(Locale.ROOT, "%-10s %s", key, value);
    }
}
