package org.alexnet.bench;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.alexnet.engine.Engines;

/** What the benchmarks print about the machine and the process: CPU, load, memory, CPU time, settings. */
final class Machine {

    /** USER_HZ, the unit of the CPU times in /proc (100 on Linux). */
    static final int CLOCK_TICKS = 100;

    /** Environment variables that change how the engines run; printed with every result. */
    private static final List<String> SETTING_PREFIXES = List.of(
            "OMP_",
            "KMP_",
            "GOMP_",
            "MXNET_",
            "OPENBLAS_",
            "DNNL_",
            "ONEDNN_",
            "MKL_",
            "LD_PRELOAD",
            "MALLOC_",
            "PYTORCH_",
            "TORCH_");

    private Machine() {}

    static void print(List<String> engines) {
        Runtime rt = Runtime.getRuntime();
        System.out.printf(
                Locale.ROOT,
                "machine: %d cores (availableProcessors), CPU %s, memory %s, JVM max heap %.1f GB%n",
                rt.availableProcessors(),
                cpuModel(),
                memTotal(),
                rt.maxMemory() / 1e9);
        System.out.printf(
                Locale.ROOT,
                "java: %s (%s %s), os: %s %s %s%n",
                System.getProperty("java.version"),
                System.getProperty("java.vm.name"),
                System.getProperty("java.vm.version"),
                System.getProperty("os.name"),
                System.getProperty("os.version"),
                System.getProperty("os.arch"));
        StringBuilder versions = new StringBuilder("DJL " + Engine.getDjlVersion());
        for (String e : engines) {
            versions.append(", ").append(e).append(' ').append(Engines.select(e).getVersion());
        }
        System.out.println("engines: " + versions);
        System.out.println("settings (environment): " + settings());
        System.out.println("load average at start: " + loadAverage());
    }

    /** The engine-related environment variables that are set, as NAME=value words, or "(none)". */
    static String settings() {
        Map<String, String> set = new TreeMap<>();
        System.getenv().forEach((k, v) -> {
            for (String p : SETTING_PREFIXES) {
                // MXNET_ENV / PYTORCH_ENV are scripts/benchmark.sh's own lists, not engine settings.
                if (k.startsWith(p) && !k.endsWith("_ENV")) {
                    set.put(k, v);
                }
            }
        });
        StringBuilder sb = new StringBuilder();
        set.forEach((k, v) ->
                sb.append(sb.length() == 0 ? "" : " ").append(k).append('=').append(v));
        return sb.length() == 0 ? "(none)" : sb.toString();
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return System.getProperty("os.arch") + " (model unknown)";
    }

    static String memTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return String.format(Locale.ROOT, "%.1f GB", kb / 1024.0 / 1024.0);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return "unknown";
    }

    /** The 1, 5 and 15 minute load averages, e.g. "1.20 0.90 0.70". */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** The 1-minute load average, NaN if unknown. */
    static double load1() {
        try {
            return Double.parseDouble(
                    Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** A line of /proc/self/status (VmRSS = resident now, VmHWM = peak), in GB. */
    static String rss(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key + ":")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return String.format(Locale.ROOT, "%.1f GB", kb / 1024.0 / 1024.0);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return "?";
    }

    /**
     * CPU time used so far by this process (all threads), in clock ticks: {user, system}; zeros if
     * unknown.
     */
    static long[] cpuTicks() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields after the command: state(3) ... utime(14) stime(15), i.e. indices 11 and 12 here
            return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
        } catch (IOException | RuntimeException e) {
            return new long[2];
        }
    }

    static String hms(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, (s % 3600) / 60, s % 60);
    }
}
