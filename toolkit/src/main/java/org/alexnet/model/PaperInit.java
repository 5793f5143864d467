package org.alexnet.model;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.NormalInitializer;
import java.util.Set;

/**
 * The paper's initialisation (section 5): every weight from N(0, 0.01^2); biases 1 in conv2, conv4,
 * conv5 and the hidden fully-connected layers (to give the ReLUs positive inputs early on), 0 elsewhere.
 */
public final class PaperInit {

    /** Standard deviation of the zero-mean Gaussian all weights are drawn from. */
    public static final float WEIGHT_STD = 0.01f;

    /** Layers whose biases start at 1. */
    public static final Set<String> BIAS_ONE_LAYERS = Set.of("conv2", "conv4", "conv5", "fc6", "fc7");

    private PaperInit() {}

    /** Sets the paper's initializers on every conv/fc layer of {@code net}; takes effect at initialize(). */
    public static void apply(LayerStack net) {
        for (var child : net.getChildren()) {
            String name = LayerStack.layerName(child.getKey());
            Block layer = child.getValue();
            if (layer.getParameters().isEmpty()) {
                continue;
            }
            layer.setInitializer(new NormalInitializer(WEIGHT_STD), Parameter.Type.WEIGHT);
            float bias = BIAS_ONE_LAYERS.contains(name) ? 1f : 0f;
            layer.setInitializer(new ConstantInitializer(bias), Parameter.Type.BIAS);
        }
    }
}
