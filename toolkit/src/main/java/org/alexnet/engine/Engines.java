package org.alexnet.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Set;
import java.util.TreeSet;

/** Choosing a DJL engine by name, with a clear message when it is not available. */
public final class Engines {

    private Engines() {}

    /** The engine called {@code name} (case-insensitive), or DJL's default when {@code name} is null. */
    public static Engine select(String name) {
        if (name == null || name.isBlank()) {
            return Engine.getInstance();
        }
        Set<String> available = new TreeSet<>(Engine.getAllEngines());
        for (String e : available) {
            if (e.equalsIgnoreCase(name)) {
                return Engine.getEngine(e);
            }
        }
        throw new IllegalArgumentException("unknown engine '" + name + "': available are " + String.join(", ", available));
    }

    /** Every GPU the engine sees (up to {@code maxGpus}; negative = all), else the CPU. */
    public static Device[] devices(Engine engine, int maxGpus) {
        return engine.getDevices(maxGpus < 0 ? Integer.MAX_VALUE : maxGpus);
    }

    /** "MXNet 1.9.0" */
    public static String describe(Engine engine) {
        return engine.getEngineName() + " " + engine.getVersion();
    }
}
