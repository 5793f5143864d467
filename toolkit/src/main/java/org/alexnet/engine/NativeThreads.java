package org.alexnet.engine;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenMP thread settings for the engines, applied before their native libraries load.
 *
 * <p>Left alone, both engines used one OpenMP thread on the project's 2-core machines (MXNet halves
 * the processor count on x86, assuming hyper-threads); two threads trained 1.8-1.85x faster when the
 * second core was free (docs/benchmarks.md, "MXNet settings"). So unless the user set them, the
 * process environment gets {@code OMP_NUM_THREADS} = the cores Java sees and, for MXNet, {@code
 * OMP_WAIT_POLICY=PASSIVE} (its spinning threads otherwise cost up to 30% when the other core is
 * busy). OpenMP reads these when its library loads, so they are set through the C library's
 * {@code setenv} before the engine is first used.
 */
public final class NativeThreads {

    private interface CLibrary extends Library {
        int setenv(String name, String value, int overwrite);

        String getenv(String name);
    }

    private static final List<String> APPLIED = new ArrayList<>();

    private NativeThreads() {}

    /** Sets the defaults for {@code engine} where the user has not; safe to call more than once. */
    static synchronized void applyDefaults(String engine) {
        set("OMP_NUM_THREADS", Integer.toString(Runtime.getRuntime().availableProcessors()));
        if (engine.equals(Engines.DEFAULT)) {
            set("OMP_WAIT_POLICY", "PASSIVE");
        }
    }

    /** "OMP_NUM_THREADS=2 (default), OMP_WAIT_POLICY=PASSIVE (default)", as the native code sees them. */
    public static String describe() {
        List<String> parts = new ArrayList<>();
        for (String name : List.of("OMP_NUM_THREADS", "OMP_WAIT_POLICY")) {
            String value = getenv(name);
            parts.add(name + "=" + (value == null ? "unset" : value)
                    + (APPLIED.contains(name) ? " (alexnet's default)" : value == null ? "" : " (yours)"));
        }
        return String.join(", ", parts);
    }

    private static void set(String name, String value) {
        if (System.getenv(name) != null || APPLIED.contains(name)) {
            return;
        }
        try {
            if (libc().setenv(name, value, 0) == 0) {
                APPLIED.add(name);
            }
        } catch (LinkageError e) { // no C library by that name, then (later calls) NoClassDefFoundError
            // Not a glibc-like system: the engine keeps its own default.
        }
    }

    private static String getenv(String name) {
        try {
            return libc().getenv(name);
        } catch (LinkageError e) { // no C library by that name, then (later calls) NoClassDefFoundError
            return System.getenv(name);
        }
    }

    private static CLibrary libc() {
        return LibC.INSTANCE;
    }

    /** Loaded once, on first use (an UnsatisfiedLinkError then reaches the callers, which fall back). */
    private static final class LibC {
        static final CLibrary INSTANCE = Native.load("c", CLibrary.class);
    }
}
