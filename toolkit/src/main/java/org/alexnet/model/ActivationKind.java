package org.alexnet.model;

import ai.djl.nn.Activation;
import ai.djl.nn.Block;

/** The non-linearities compared in the paper (section 3.1) and used by LeNet. */
public enum ActivationKind {
    RELU,
    TANH,
    SIGMOID;

    /** A fresh block applying this activation element-wise. */
    public Block block() {
        switch (this) {
            case RELU:
                return Activation.reluBlock();
            case TANH:
                return Activation.tanhBlock();
            default:
                return Activation.sigmoidBlock();
        }
    }

    /** Parses "relu", "tanh" or "sigmoid" (any case). */
    public static ActivationKind parse(String name) {
        for (ActivationKind k : values()) {
            if (k.name().equalsIgnoreCase(name)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown activation '" + name + "': use relu, tanh or sigmoid");
    }
}
