package org.alexnet.train;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.util.HashMap;
import java.util.Map;

/**
 * Maps DJL's per-instance parameter ids (random UUIDs) to stable names ("01conv1_weight"), so state
 * keyed by id, such as momentum buffers, can be saved by one process and loaded by another.
 */
public final class ParameterNames {
    private final Map<String, String> idToName = new HashMap<>();
    private final Map<String, String> nameToId = new HashMap<>();

    public ParameterNames(Block block) {
        for (var p : block.getParameters()) {
            Parameter parameter = p.getValue();
            idToName.put(parameter.getId(), p.getKey());
            nameToId.put(p.getKey(), parameter.getId());
        }
    }

    public String nameOf(String id) {
        String name = idToName.get(id);
        if (name == null) {
            throw new IllegalArgumentException("unknown parameter id " + id);
        }
        return name;
    }

    public String idOf(String name) {
        String id = nameToId.get(name);
        if (id == null) {
            throw new IllegalArgumentException(
                    "checkpoint has state for parameter " + name + ", which this model does not have");
        }
        return id;
    }
}
