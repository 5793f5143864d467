package org.alexnet.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import java.util.Map;

/**
 * torchvision's AlexNet ({@code torchvision/models/alexnet.py}, after Krizhevsky's "One weird trick
 * for parallelizing convolutional neural networks", 2014): one tower, 64-192-384-256-256 kernels, no
 * LRN, adaptive 6x6 average pooling before the classifier; 61,100,840 parameters with 1000 classes.
 * It is the network whose ImageNet weights ({@code alexnet-owt-*.pth}) torchvision publishes, so
 * layers are named as ours ("conv1" ... "fc8") and {@link #TORCH_NAMES} maps them onto torchvision's
 * state-dict keys.
 *
 * <pre>
 * conv1 64@11x11/4 p2 - relu - pool    conv2 192@5x5 p2 - relu - pool
 * conv3 384@3x3 p1 - relu   conv4 256@3x3 p1 - relu   conv5 256@3x3 p1 - relu - pool - avgpool 6x6
 * dropout - fc6 4096 - relu   dropout - fc7 4096 - relu   fc8 classes
 * </pre>
 */
public final class TorchvisionAlexNet extends LayerStack {

    /** Our layer name to torchvision's module path ({@code features.0} is conv1, ...). */
    public static final Map<String, String> TORCH_NAMES = Map.of(
            "conv1",
            "features.0",
            "conv2",
            "features.3",
            "conv3",
            "features.6",
            "conv4",
            "features.8",
            "conv5",
            "features.10",
            "fc6",
            "classifier.1",
            "fc7",
            "classifier.4",
            "fc8",
            "classifier.6");

    /** torchvision's input normalisation: RGB in [0, 1], minus these means, divided by these deviations. */
    public static final float[] MEAN = {0.485f, 0.456f, 0.406f};

    public static final float[] STD = {0.229f, 0.224f, 0.225f};

    private final int classes;

    /** The network for {@code classes} classes (1000 for torchvision's weights) with dropout {@code dropout}. */
    public TorchvisionAlexNet(int classes, float dropout) {
        this.classes = classes;
        add("conv1", conv(64, 11, 4, 2))
                .add("act1", ActivationKind.RELU.block())
                .add("pool1", pool());
        add("conv2", conv(192, 5, 1, 2))
                .add("act2", ActivationKind.RELU.block())
                .add("pool2", pool());
        add("conv3", conv(384, 3, 1, 1)).add("act3", ActivationKind.RELU.block());
        add("conv4", conv(256, 3, 1, 1)).add("act4", ActivationKind.RELU.block());
        add("conv5", conv(256, 3, 1, 1))
                .add("act5", ActivationKind.RELU.block())
                .add("pool5", pool());
        add("avgpool", new AdaptiveAvgPool(6, 6));
        add("flatten", Blocks.batchFlattenBlock());
        // torchvision drops out before fc6 and fc7 (the paper: after them); the same at test time.
        add("drop6", Dropout.builder().optRate(dropout).build());
        add("fc6", Linear.builder().setUnits(4096).build()).add("act6", ActivationKind.RELU.block());
        add("drop7", Dropout.builder().optRate(dropout).build());
        add("fc7", Linear.builder().setUnits(4096).build()).add("act7", ActivationKind.RELU.block());
        add("fc8", Linear.builder().setUnits(classes).build());
    }

    public int getClasses() {
        return classes;
    }

    private static Conv2d conv(int filters, int kernel, int stride, int pad) {
        return Conv2d.builder()
                .setFilters(filters)
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(pad, pad))
                .build();
    }

    private static Block pool() {
        return Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2));
    }
}
