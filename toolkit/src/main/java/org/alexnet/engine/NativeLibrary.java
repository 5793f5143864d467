package org.alexnet.engine;

import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.pytorch.jni.LibUtils;
import ai.djl.util.Platform;
import java.io.File;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where an engine's native library came from: bundled in the jar (a CPU build), a local folder named
 * by an environment variable, or DJL's download cache (DJL downloads the build that fits the
 * machine, CUDA where present, when the jar bundles none).
 *
 * @param engine "MXNet" or "PyTorch"
 * @param path the folder or file DJL loaded
 * @param source how DJL found it, in words
 * @param cuda true when the loaded build has CUDA
 * @param features the engine's build features worth knowing (oneDNN, MKL, OpenMP, cuDNN)
 */
public record NativeLibrary(String engine, String path, String source, boolean cuda, List<String> features) {

    /** Describes the native library of a loaded engine. */
    public static NativeLibrary of(Engine engine) {
        String name = engine.getEngineName();
        String path =
                name.equals(Engines.PYTORCH) ? LibUtils.getLibtorchPath() : ai.djl.mxnet.jna.LibUtils.getLibName();
        String variable = variable(name);
        String source;
        if (within(path, System.getenv(variable))) {
            source = "a local folder (" + variable + ")";
        } else if (within(path, System.getProperty("java.library.path"))) {
            source = "a local folder (java.library.path)";
        } else if (bundled(name)) {
            source = "the CPU build bundled in the jar";
        } else {
            source = "DJL's download cache";
        }
        List<String> features = new ArrayList<>();
        for (String f : List.of(
                StandardCapabilities.CUDNN,
                StandardCapabilities.MKLDNN,
                StandardCapabilities.MKL,
                StandardCapabilities.OPENMP)) {
            if (engine.hasCapability(f)) {
                features.add(f);
            }
        }
        return new NativeLibrary(
                name, path, source, engine.hasCapability(StandardCapabilities.CUDA), List.copyOf(features));
    }

    /** "the CPU build bundled in the jar" or "a CUDA build from a local folder (PYTORCH_LIBRARY_PATH)". */
    public String describeSource() {
        return source.startsWith("the CPU build")
                ? source
                : (cuda ? "a CUDA build from " : "a CPU build from ") + source;
    }

    /**
     * One line for an engine whose native library could not be loaded: what happened and what to do.
     */
    static String unavailable(String engine, Throwable error) {
        Throwable root = error;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String what = root instanceof UnknownHostException
                        || root instanceof ConnectException
                        || root instanceof SocketTimeoutException
                ? "DJL could not download it (no network)"
                : "DJL said: "
                        + String.valueOf(root.getMessage()).lines().findFirst().orElse(root.toString());
        String local = engine.equals(Engines.PYTORCH)
                ? "set PYTORCH_LIBRARY_PATH to the lib/ folder of a PyTorch 2.7.1 installation (a CUDA 12.8 or CPU build)"
                : "set MXNET_LIBRARY_PATH to a folder with MXNet 1.9.1's libmxnet.so";
        String where = bundled(engine) ? "its bundled CPU build failed to load" : "this jar bundles none (the gpu jar)";
        return engine + "'s native library could not be loaded: " + where + " and " + what + "; " + local
                + ", allow one download, or use the -all jar (CPU)";
    }

    /** The environment variable DJL reads for a local installation of the engine. */
    static String variable(String engine) {
        return engine.equals(Engines.PYTORCH) ? "PYTORCH_LIBRARY_PATH" : "MXNET_LIBRARY_PATH";
    }

    /** True when the class path holds the engine's native jar (not DJL's placeholder). */
    static boolean bundled(String engine) {
        return !Platform.detectPlatform(engine.equals(Engines.PYTORCH) ? "pytorch" : "mxnet")
                .isPlaceholder();
    }

    private static boolean within(String path, String searchPath) {
        if (path == null || searchPath == null || searchPath.isBlank()) {
            return false;
        }
        Path p = Path.of(path).toAbsolutePath().normalize();
        for (String entry : searchPath.split(File.pathSeparator)) {
            if (!entry.isBlank() && p.startsWith(Path.of(entry).toAbsolutePath().normalize())) {
                return true;
            }
        }
        return false;
    }
}
