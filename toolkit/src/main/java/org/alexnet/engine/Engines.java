package org.alexnet.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Choosing and loading a DJL engine, with one clear line when it cannot be loaded.
 *
 * <p>The rule for GPUs: MXNet is the project's engine wherever it can run. When GPUs are present
 * that MXNet cannot use (its CUDA build stops at compute capability 8.6, or it loaded a CPU-only
 * build) and no engine was asked for, PyTorch is used instead and a note says why. An engine asked
 * for by name is always the one used.
 */
public final class Engines {

    /** The engine used when none is asked for. */
    public static final String DEFAULT = "MXNet";

    public static final String PYTORCH = "PyTorch";

    /** The engines that train; DJL also registers "RPC", a client for remote inference. */
    static final List<String> TRAINING = List.of(DEFAULT, PYTORCH);

    private Engines() {}

    /** An engine, the devices it trains on, and notes on how it was chosen (empty when nothing needs saying). */
    public record Choice(Engine engine, Device[] devices, List<String> notes) {}

    /** The engine called {@code name} (case-insensitive), or {@link #DEFAULT} when {@code name} is null. */
    public static Engine select(String name) {
        return makeDefault(load(canonical(name)));
    }

    /**
     * The engine and devices to train on: {@code requested} (null: by the rule above) on up to
     * {@code maxGpus} GPUs (negative: all; 0: the CPU).
     */
    public static Choice choose(String requested, int maxGpus) {
        return choose(requested, maxGpus, maxGpus == 0 ? Cuda.none("--gpus 0") : Cuda.probe());
    }

    static Choice choose(String requested, int maxGpus, Cuda cuda) {
        String name = canonical(requested);
        List<String> notes = new ArrayList<>();
        if (requested == null
                && cuda.gpus() > 0
                && name.equals(DEFAULT)
                && !cuda.mxnetCanUse()
                && System.getenv(NativeLibrary.variable(DEFAULT)) == null) {
            notes.add(String.format(
                    Locale.ROOT,
                    "using PyTorch: MXNet's CUDA build needs CUDA %s and compute capability"
                            + " up to %.1f, and this machine has %s (--engine MXNet trains on the CPU instead)",
                    Cuda.MXNET_CUDA,
                    Cuda.MXNET_MAX_CAPABILITY,
                    cuda.describe()));
            name = PYTORCH;
        }
        Engine engine;
        try {
            engine = load(name);
        } catch (EngineException e) {
            // Without a request, the other engine is the fallback either way round.
            String otherName = name.equals(DEFAULT) ? PYTORCH : DEFAULT;
            Engine other = requested == null ? loadOrNull(otherName) : null;
            if (other == null) {
                throw e;
            }
            notes.add("using " + otherName + ": " + e.getMessage());
            engine = other;
            name = otherName;
        }
        Device[] devices = devices(engine, maxGpus);
        if (cuda.gpus() > 0 && !devices[0].isGpu()) {
            if (requested == null && name.equals(DEFAULT)) {
                Engine other = loadOrNull(PYTORCH);
                if (other != null && other.getGpuCount() > 0) {
                    notes.add("using PyTorch: MXNet loaded "
                            + NativeLibrary.of(engine).describeSource() + ", which sees no GPU");
                    engine = other;
                    devices = devices(engine, maxGpus);
                }
            }
            if (!devices[0].isGpu()) {
                notes.add(String.format(
                        Locale.ROOT,
                        "training on the CPU although this machine has %s: %s loaded %s;"
                                + " use the gpu jar (README, \"GPUs\") or run 'alexnet doctor'",
                        cuda.describe(),
                        engine.getEngineName(),
                        NativeLibrary.of(engine).describeSource()));
            }
        }
        return new Choice(makeDefault(engine), devices, List.copyOf(notes));
    }

    /**
     * Makes {@code engine} DJL's default too: DJL creates managers of the default engine internally
     * (a LambdaBlock's shape inference, for one), which would otherwise load MXNet next to the chosen
     * engine, or fail where MXNet cannot be loaded.
     */
    private static Engine makeDefault(Engine engine) {
        System.setProperty("ai.djl.default_engine", engine.getEngineName());
        return engine;
    }

    /** Every GPU the engine sees (up to {@code maxGpus}; negative = all), else the CPU. */
    public static Device[] devices(Engine engine, int maxGpus) {
        return engine.getDevices(maxGpus < 0 ? Integer.MAX_VALUE : maxGpus);
    }

    /** "MXNet 1.9.0" */
    public static String describe(Engine engine) {
        return engine.getEngineName() + " " + engine.getVersion();
    }

    /** The engine's exact name for {@code name} in any case; {@link #DEFAULT} for null or blank. */
    static String canonical(String name) {
        if (name == null || name.isBlank()) {
            return DEFAULT;
        }
        for (String e : TRAINING) {
            if (e.equalsIgnoreCase(name.trim())) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown engine '" + name + "': use " + String.join(" or ", TRAINING));
    }

    /** Loads an engine's native library; failures become one line that says what to do. */
    static Engine load(String name) {
        String failed = FAILURES.get(name);
        if (failed != null) {
            // A failed native load is not retried by DJL either; its second error says less.
            throw new EngineException(failed);
        }
        if (name.equals(PYTORCH)) {
            inferPyTorchFlavor();
        }
        NativeThreads.applyDefaults(name);
        try {
            return Engine.getEngine(name);
        } catch (RuntimeException | LinkageError e) {
            String message = NativeLibrary.unavailable(name, e);
            FAILURES.put(name, message);
            throw new EngineException(message, e);
        }
    }

    /** The first error of each engine that could not be loaded in this process. */
    private static final Map<String, String> FAILURES = new ConcurrentHashMap<>();

    static Engine loadOrNull(String name) {
        try {
            return load(name);
        } catch (EngineException e) {
            return null;
        }
    }

    /**
     * DJL assumes a local libtorch (PYTORCH_LIBRARY_PATH) is the "cpu-precxx11" flavour unless
     * PYTORCH_FLAVOR says otherwise, and then looks for a JNI library that does not exist offline.
     * PyTorch 2.7's own builds are cu128 (with libtorch_cuda.so) or cpu: say which, when unset.
     */
    private static void inferPyTorchFlavor() {
        String dir = System.getenv("PYTORCH_LIBRARY_PATH");
        if (dir == null || System.getenv("PYTORCH_FLAVOR") != null || System.getProperty("PYTORCH_FLAVOR") != null) {
            return;
        }
        for (String entry : dir.split(File.pathSeparator)) {
            Path folder = Path.of(entry);
            if (Files.exists(folder.resolve(System.mapLibraryName("torch")))) {
                boolean cuda = Files.exists(folder.resolve(System.mapLibraryName("torch_cuda")));
                System.setProperty("PYTORCH_FLAVOR", cuda ? "cu128" : "cpu");
                return;
            }
        }
    }
}
