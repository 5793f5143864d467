package org.alexnet.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import java.util.Collections;
import java.util.Locale;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * AlexNet (Krizhevsky, Sutskever and Hinton, 2012) as a DJL block.
 *
 * <pre>
 * conv1 96@11x11/4 - act - [LRN] - pool      conv2 256@5x5 p2 - act - [LRN] - pool
 * conv3 384@3x3 p1 - act   conv4 384@3x3 p1 - act   conv5 256@3x3 p1 - act - pool
 * fc6 4096 - act - dropout   fc7 4096 - act - dropout   fc8 classes
 * </pre>
 *
 * <p>224 vs 227: the paper says 224x224 inputs, but an 11x11 stride-4 convolution only gives its
 * 55x55 maps from 227 pixels ((227 - 11) / 4 + 1 = 55). Like torchvision we keep 224 inputs and pad
 * conv1 by 2, which gives floor((224 + 4 - 11) / 4) + 1 = 55; with {@code optConv1Padding(0)} a 227
 * input reproduces the same geometry without padding.
 *
 * <p>The ablations' options: {@code optConvWidth(0.5f)} with one tower is the paper's one-GPU
 * comparison net ("half as many kernels in each convolutional layer", all but conv5, footnote 3);
 * {@code optRemove("conv3")} or {@code "conv4"} drops one of the middle layers (section 1: removing any
 * costs about 2% top-1).
 *
 * <p>Two towers: the paper split conv2, conv4 and conv5 over two GPUs, each half seeing only its own
 * tower's maps; that is a grouped convolution with groups = 2, which also gives the paper's parameter
 * count (60,965,224 with 1000 classes; 62,378,344 with one tower).
 */
public class AlexNet extends LayerStack {

    /** The smallest input side that survives the three poolings with the standard geometry. */
    public static final int MIN_INPUT_SIZE = 67;

    private final Builder config;

    AlexNet(Builder b) {
        this.config = b.copy();
        int groups = b.towers;
        int poolKernel = b.overlappingPooling ? 3 : 2;
        add("conv1", conv(b.filters(96), 11, 4, b.conv1Padding, 1)).add("act1", b.activation.block());
        if (b.lrn) {
            add("lrn1", LocalResponseNorm.paper());
        }
        add("pool1", pool(poolKernel));
        add("conv2", conv(b.filters(256), 5, 1, 2, groups)).add("act2", b.activation.block());
        if (b.lrn) {
            add("lrn2", LocalResponseNorm.paper());
        }
        add("pool2", pool(poolKernel));
        // conv3 connects to all maps of both towers in the paper, hence no groups here.
        if (!b.removed.contains("conv3")) {
            add("conv3", conv(b.filters(384), 3, 1, 1, 1)).add("act3", b.activation.block());
        }
        if (!b.removed.contains("conv4")) {
            add("conv4", conv(b.filters(384), 3, 1, 1, groups)).add("act4", b.activation.block());
        }
        // conv5 keeps its 256 maps at any width: the paper's footnote 3 (its one-GPU net) halves
        // every convolutional layer but the last, which feeds most of the parameters (fc6).
        add("conv5", conv(256, 3, 1, 1, groups)).add("act5", b.activation.block());
        add("pool5", pool(poolKernel));
        add("flatten", Blocks.batchFlattenBlock());
        add("fc6", Linear.builder().setUnits(4096).build()).add("act6", b.activation.block());
        add("drop6", Dropout.builder().optRate(b.dropout).build());
        add("fc7", Linear.builder().setUnits(4096).build()).add("act7", b.activation.block());
        add("drop7", Dropout.builder().optRate(b.dropout).build());
        add("fc8", Linear.builder().setUnits(b.classes).build());
        if (b.paperInit) {
            PaperInit.apply(this);
        }
    }

    private static Conv2d conv(int filters, int kernel, int stride, int pad, int groups) {
        return Conv2d.builder()
                .setFilters(filters)
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(pad, pad))
                .optGroups(groups)
                .build();
    }

    private static Block pool(int kernel) {
        return Pool.maxPool2dBlock(new Shape(kernel, kernel), new Shape(2, 2));
    }

    /** The paper's network: two towers, LRN, overlapping pooling, ReLU, dropout 0.5, 1000 classes. */
    public static AlexNet paper() {
        return builder().build();
    }

    /**
     * The Fashion-MNIST variant of Dive into Deep Learning: one input channel, one tower, no LRN,
     * conv1 unpadded (224 gives 54x54 maps), 10 classes, DJL's default (Xavier) initialisation;
     * 46,764,746 parameters.
     */
    public static AlexNet fashionMnist() {
        return fashionMnistBuilder().build();
    }

    /** The {@link #fashionMnist()} settings, to adjust before building. */
    public static Builder fashionMnistBuilder() {
        return builder()
                .optInputChannels(1)
                .optClasses(10)
                .optTowers(1)
                .optLrn(false)
                .optConv1Padding(0)
                .optPaperInit(false);
    }

    /** A builder holding the paper's settings; change what you need. */
    public static Builder builder() {
        return new Builder();
    }

    /** The settings this network was built with. */
    public Builder getConfig() {
        return config.copy();
    }

    /** Input shape (without batch) of one example at {@code size} pixels. */
    public Shape inputShape(int size) {
        if (size < MIN_INPUT_SIZE) {
            throw new IllegalArgumentException("AlexNet needs inputs of at least " + MIN_INPUT_SIZE + " pixels, got "
                    + size + ": use a larger resolution (e.g. 96)");
        }
        return new Shape(config.inputChannels, size, size);
    }

    /** The options of {@link AlexNet}, with the paper's values as defaults. */
    public static final class Builder {
        private int classes = 1000;
        private int inputChannels = 3;
        private int towers = 2;
        private boolean lrn = true;
        private boolean overlappingPooling = true;
        private ActivationKind activation = ActivationKind.RELU;
        private float dropout = 0.5f;
        private int conv1Padding = 2;
        private boolean paperInit = true;
        private float convWidth = 1f;
        private SortedSet<String> removed = new TreeSet<>();

        /** The middle layers {@link #optRemove} can drop. */
        public static final Set<String> REMOVABLE = Set.of("conv3", "conv4");

        Builder() {}

        /** conv1..conv4's filters at this builder's width (at least one per tower). */
        int filters(int paper) {
            return Math.max(towers, Math.round(paper * convWidth / towers) * towers);
        }

        /**
         * Multiplies the filters of conv1 to conv4 (conv5 and the classifier keep theirs, as in the
         * paper's one-GPU net); 0.5 with one tower is that net.
         */
        public Builder optConvWidth(float width) {
            if (!(width > 0 && width <= 4)) {
                throw new IllegalArgumentException("conv width must be in (0, 4], got " + width);
            }
            this.convWidth = width;
            return this;
        }

        /** Leaves out the named middle layers (conv3, conv4); none by default. */
        public Builder optRemove(String... layers) {
            SortedSet<String> set = new TreeSet<>();
            for (String layer : layers) {
                String name = layer.trim().toLowerCase(Locale.ROOT);
                if (name.isEmpty()) {
                    continue;
                }
                if (!REMOVABLE.contains(name)) {
                    throw new IllegalArgumentException("only conv3 or conv4 can be removed, got '" + layer + "'");
                }
                set.add(name);
            }
            this.removed = set;
            return this;
        }

        public float getConvWidth() {
            return convWidth;
        }

        /** The middle layers left out, sorted. */
        public SortedSet<String> getRemoved() {
            return Collections.unmodifiableSortedSet(removed);
        }

        public Builder optClasses(int classes) {
            if (classes < 1) {
                throw new IllegalArgumentException("classes must be at least 1, got " + classes);
            }
            this.classes = classes;
            return this;
        }

        public Builder optInputChannels(int channels) {
            if (channels < 1) {
                throw new IllegalArgumentException("input channels must be at least 1, got " + channels);
            }
            this.inputChannels = channels;
            return this;
        }

        /** 2 = the paper's two-GPU split (groups = 2 in conv2, conv4, conv5), 1 = a single tower. */
        public Builder optTowers(int towers) {
            if (towers != 1 && towers != 2) {
                throw new IllegalArgumentException("towers must be 1 or 2, got " + towers);
            }
            this.towers = towers;
            return this;
        }

        public Builder optLrn(boolean lrn) {
            this.lrn = lrn;
            return this;
        }

        /** true: 3x3 windows with stride 2 (the paper); false: 2x2 with stride 2 (same output size). */
        public Builder optOverlappingPooling(boolean overlapping) {
            this.overlappingPooling = overlapping;
            return this;
        }

        public Builder optActivation(ActivationKind activation) {
            this.activation = activation;
            return this;
        }

        public Builder optDropout(float rate) {
            if (!(rate >= 0 && rate < 1)) {
                throw new IllegalArgumentException("dropout must be in [0, 1), got " + rate);
            }
            this.dropout = rate;
            return this;
        }

        /** 2 makes 224 inputs give 55x55 conv1 maps; 0 with 227 inputs is the same geometry. */
        public Builder optConv1Padding(int padding) {
            if (padding < 0) {
                throw new IllegalArgumentException("conv1 padding must be >= 0, got " + padding);
            }
            this.conv1Padding = padding;
            return this;
        }

        /** true: N(0, 0.01) weights and the paper's biases; false: DJL's default initialisation. */
        public Builder optPaperInit(boolean paperInit) {
            this.paperInit = paperInit;
            return this;
        }

        public int getClasses() {
            return classes;
        }

        public int getInputChannels() {
            return inputChannels;
        }

        public int getTowers() {
            return towers;
        }

        public boolean isLrn() {
            return lrn;
        }

        public boolean isOverlappingPooling() {
            return overlappingPooling;
        }

        public ActivationKind getActivation() {
            return activation;
        }

        public float getDropout() {
            return dropout;
        }

        public int getConv1Padding() {
            return conv1Padding;
        }

        public boolean isPaperInit() {
            return paperInit;
        }

        Builder copy() {
            Builder c = new Builder();
            c.classes = classes;
            c.inputChannels = inputChannels;
            c.towers = towers;
            c.lrn = lrn;
            c.overlappingPooling = overlappingPooling;
            c.activation = activation;
            c.dropout = dropout;
            c.conv1Padding = conv1Padding;
            c.paperInit = paperInit;
            c.convWidth = convWidth;
            c.removed = new TreeSet<>(removed);
            return c;
        }

        public AlexNet build() {
            return new AlexNet(this);
        }

        @Override
        public String toString() {
            return "AlexNet(classes=" + classes + ", channels=" + inputChannels + ", towers=" + towers
                    + ", lrn=" + lrn + ", overlappingPooling=" + overlappingPooling + ", activation="
                    + activation.name().toLowerCase() + ", dropout=" + dropout + ", conv1Padding="
                    + conv1Padding + ", init=" + (paperInit ? "paper" : "default")
                    + (convWidth != 1f ? ", convWidth=" + convWidth : "")
                    + (removed.isEmpty() ? "" : ", without=" + String.join("+", removed)) + ")";
        }
    }
}
