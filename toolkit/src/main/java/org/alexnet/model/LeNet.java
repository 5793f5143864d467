package org.alexnet.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;

/**
 * LeNet-5 in its classic form (LeCun et al., 1998, as in Dive into Deep Learning): sigmoid activations
 * and average pooling on 28x28 single-channel images; 61,706 parameters for 10 classes. The baseline
 * AlexNet is compared against.
 */
public class LeNet extends LayerStack {

    /** The input side LeNet is built for. */
    public static final int INPUT_SIZE = 28;

    /** LeNet-5 with sigmoid activations for {@code classes} classes. */
    public LeNet(int classes) {
        this(classes, ActivationKind.SIGMOID);
    }

    /** LeNet-5 with the given activation, e.g. to show what ReLU alone changes. */
    public LeNet(int classes, ActivationKind activation) {
        add("conv1", conv(6, 2)).add("act1", activation.block()).add("pool1", avgPool());
        add("conv2", conv(16, 0)).add("act2", activation.block()).add("pool2", avgPool());
        add("flatten", Blocks.batchFlattenBlock());
        add("fc3", Linear.builder().setUnits(120).build()).add("act3", activation.block());
        add("fc4", Linear.builder().setUnits(84).build()).add("act4", activation.block());
        add("fc5", Linear.builder().setUnits(classes).build());
    }

    private static Conv2d conv(int filters, int pad) {
        return Conv2d.builder()
                .setFilters(filters)
                .setKernelShape(new Shape(5, 5))
                .optPadding(new Shape(pad, pad))
                .build();
    }

    private static Block avgPool() {
        return Pool.avgPool2dBlock(new Shape(2, 2), new Shape(2, 2));
    }

    /** Input shape (without batch) of one example. */
    public static Shape inputShape() {
        return new Shape(1, INPUT_SIZE, INPUT_SIZE);
    }
}
