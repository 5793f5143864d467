package org.alexnet.model;

import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;

/**
 * A {@link SequentialBlock} whose children carry the names the papers use ("conv1", "fc6", ...), so
 * summaries, initialisation and feature extraction can refer to layers by those names.
 */
public class LayerStack extends SequentialBlock {

    /** Appends {@code block} under {@code name}; DJL stores it as "NNname" (a two-digit position first). */
    public LayerStack add(String name, Block block) {
        addChildBlock(name, block);
        return this;
    }

    /** The child called {@code name} (without DJL's two-digit position prefix). */
    public Block layer(String name) {
        return getChildren().stream()
                .filter(p -> layerName(p.getKey()).equals(name))
                .map(p -> p.getValue())
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no layer named " + name));
    }

    /** Strips DJL's "%02d" position prefix from a child's key. */
    public static String layerName(String childKey) {
        return childKey.length() > 2 && Character.isDigit(childKey.charAt(0)) && Character.isDigit(childKey.charAt(1))
                ? childKey.substring(2)
                : childKey;
    }
}
