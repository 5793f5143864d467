package org.alexnet.engine;

import ai.djl.util.cuda.CudaLibrary;
import com.sun.jna.Native;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The machine's GPUs as CUDA's runtime library reports them, read without loading an engine: how
 * many, their compute capabilities, and when there are none, why.
 *
 * @param runtime CUDA runtime version ("12.8"), or null when no runtime library was found
 * @param capabilities compute capability of each GPU ("8.6"), empty when none is usable
 * @param problem why no GPU is usable (null when there are GPUs)
 */
public record Cuda(String runtime, List<String> capabilities, String problem) {

    /** Newest compute capability MXNet 1.9's CUDA build (cu112) has kernels for. */
    static final double MXNET_MAX_CAPABILITY = 8.6;

    /**
     * The CUDA runtime MXNet's only CUDA build for DJL needs: DJL asks for the build matching the
     * machine's runtime (cu128mkl for CUDA 12.8), finds none, and falls back to the CPU build.
     */
    static final String MXNET_CUDA = "11.2";

    private static final int ATTRIBUTE_MAJOR = 75;
    private static final int ATTRIBUTE_MINOR = 76;

    /** Asks CUDA's runtime library (libcudart, found like DJL finds it) about the GPUs. */
    public static Cuda probe() {
        CudaLibrary cuda;
        try {
            cuda = Native.load("cudart", CudaLibrary.class);
        } catch (UnsatisfiedLinkError e) {
            return new Cuda(null, List.of(), "no CUDA runtime (libcudart) on this machine" + driverNote());
        }
        int[] value = new int[1];
        String runtime = null;
        if (cuda.cudaRuntimeGetVersion(value) == 0) {
            runtime = (value[0] / 1000) + "." + (value[0] % 1000 / 10);
        }
        int status = cuda.cudaGetDeviceCount(value);
        if (status != 0 || value[0] == 0) {
            String why = status != 0 ? cuda.cudaGetErrorString(status) : "no CUDA device";
            return new Cuda(runtime, List.of(), "CUDA runtime " + runtime + " found, but " + why + driverNote());
        }
        List<String> caps = new ArrayList<>();
        for (int i = 0; i < value[0]; i++) {
            int[] major = new int[1];
            int[] minor = new int[1];
            cuda.cudaDeviceGetAttribute(major, ATTRIBUTE_MAJOR, i);
            cuda.cudaDeviceGetAttribute(minor, ATTRIBUTE_MINOR, i);
            caps.add(major[0] + "." + minor[0]);
        }
        return new Cuda(runtime, List.copyOf(caps), null);
    }

    /** A machine without GPUs, for tests and for {@code --gpus 0}. */
    public static Cuda none(String why) {
        return new Cuda(null, List.of(), why);
    }

    public int gpus() {
        return capabilities.size();
    }

    /** True when DJL can give MXNet a CUDA build that runs on at least one of the GPUs. */
    public boolean mxnetCanUse() {
        return MXNET_CUDA.equals(runtime)
                && capabilities.stream().anyMatch(c -> Double.parseDouble(c) <= MXNET_MAX_CAPABILITY);
    }

    /** "2 GPUs (compute capability 8.0, 8.0), CUDA runtime 12.8" or why there are none. */
    public String describe() {
        if (gpus() == 0) {
            return problem;
        }
        return String.format(
                Locale.ROOT,
                "%d GPU%s (compute capability %s), CUDA runtime %s",
                gpus(),
                gpus() == 1 ? "" : "s",
                String.join(", ", capabilities),
                runtime);
    }

    private static String driverNote() {
        Path version = Path.of("/proc/driver/nvidia/version");
        return Files.isReadable(version) ? "" : " (no NVIDIA driver loaded)";
    }
}
