package org.alexnet.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.util.Arrays;
import java.util.Locale;
import java.util.Properties;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Which network to build: a named variant plus the AlexNet options, so the command line, notebooks
 * and checkpoints describe a model the same way (a checkpoint stores its spec and rebuilds it).
 *
 * <p>An immutable value: the {@code with...} methods return a changed copy.
 *
 * <pre>{@code
 * ModelSpec tanh = ModelSpec.of(Variant.ALEXNET, 10, 1).withActivation(ActivationKind.TANH);
 * ModelSpec oneGpu = spec.with(o -> o.optTowers(1).optConvWidth(0.5f));
 * }</pre>
 */
public final class ModelSpec {

    /** The networks this project builds. */
    public enum Variant {
        /** The paper's AlexNet (two towers by default). */
        ALEXNET("alexnet"),
        /** The d2l Fashion-MNIST variant (one channel, one tower, no LRN). */
        ALEXNET_FASHION("alexnet-fashion"),
        /** LeNet-5, sigmoid and average pooling, 28x28. */
        LENET("lenet"),
        /** torchvision's AlexNet (64-192-384-256-256, adaptive 6x6 pooling), for its ImageNet weights. */
        ALEXNET_TORCHVISION("alexnet-torchvision"),
        /** The four-layer network of the paper's Figure 1 ({@link FourLayerNet}); only classes and activation apply. */
        CONVNET4("convnet4");

        private final String id;

        Variant(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static Variant parse(String s) {
            for (Variant v : values()) {
                if (v.id.equalsIgnoreCase(s)) {
                    return v;
                }
            }
            throw new IllegalArgumentException("unknown model '" + s + "': use "
                    + Arrays.stream(values()).map(Variant::id).collect(Collectors.joining(", ")));
        }
    }

    /** The smallest input FourLayerNet takes: three 3x3 stride-2 poolings leave one pixel. */
    public static final int CONVNET4_MIN_INPUT_SIZE = 15;

    private final Variant variant;
    private final AlexNet.Builder options;

    private ModelSpec(Variant variant, AlexNet.Builder options) {
        this.variant = variant;
        this.options = options.copy();
    }

    /** The variant with its default options, for {@code classes} classes and {@code channels} channels. */
    public static ModelSpec of(Variant variant, int classes, int channels) {
        AlexNet.Builder b = variant == Variant.ALEXNET_FASHION ? AlexNet.fashionMnistBuilder() : AlexNet.builder();
        if (variant == Variant.ALEXNET_TORCHVISION) {
            b.optTowers(1)
                    .optLrn(false)
                    .optPaperInit(false); // what TorchvisionAlexNet is; only classes and dropout apply
        }
        if (variant == Variant.CONVNET4) {
            b.optTowers(1).optLrn(false).optDropout(0f).optPaperInit(false); // what FourLayerNet is
        }
        return new ModelSpec(variant, b.optClasses(classes).optInputChannels(channels));
    }

    /** A copy with {@code change} applied to (a copy of) the AlexNet options. */
    public ModelSpec with(UnaryOperator<AlexNet.Builder> change) {
        return new ModelSpec(variant, change.apply(options.copy()));
    }

    public ModelSpec withTowers(int towers) {
        return with(o -> o.optTowers(towers));
    }

    public ModelSpec withLrn(boolean lrn) {
        return with(o -> o.optLrn(lrn));
    }

    public ModelSpec withOverlappingPooling(boolean overlapping) {
        return with(o -> o.optOverlappingPooling(overlapping));
    }

    public ModelSpec withActivation(ActivationKind activation) {
        return with(o -> o.optActivation(activation));
    }

    public ModelSpec withDropout(float rate) {
        return with(o -> o.optDropout(rate));
    }

    public ModelSpec withPaperInit(boolean paperInit) {
        return with(o -> o.optPaperInit(paperInit));
    }

    public ModelSpec withConvWidth(float width) {
        return with(o -> o.optConvWidth(width));
    }

    /** Without the named middle layers (conv3, conv4). */
    public ModelSpec without(String... layers) {
        return with(o -> o.optRemove(layers));
    }

    /** A copy of the AlexNet options, for reading (changes to it do not change this spec). */
    public AlexNet.Builder getOptions() {
        return options.copy();
    }

    public Variant getVariant() {
        return variant;
    }

    public int getClasses() {
        return options.getClasses();
    }

    public int getInputChannels() {
        return options.getInputChannels();
    }

    /** A fresh, uninitialised network. */
    public Block build() {
        switch (variant) {
            case LENET:
                return new LeNet(options.getClasses());
            case ALEXNET_TORCHVISION:
                return new TorchvisionAlexNet(options.getClasses(), options.getDropout());
            case CONVNET4:
                return new FourLayerNet(options.getClasses(), options.getActivation());
            default:
                return options.build();
        }
    }

    /** One example's input shape at {@code resolution} pixels (LeNet is always 28x28). */
    public Shape inputShape(int resolution) {
        if (variant == Variant.LENET) {
            if (resolution != LeNet.INPUT_SIZE) {
                throw new IllegalArgumentException("LeNet takes 28x28 inputs: use --resolution 28");
            }
            return LeNet.inputShape();
        }
        int min = variant == Variant.CONVNET4 ? CONVNET4_MIN_INPUT_SIZE : AlexNet.MIN_INPUT_SIZE;
        if (resolution < min) {
            throw new IllegalArgumentException(
                    (variant == Variant.CONVNET4 ? "convnet4" : "AlexNet") + " needs inputs of at least " + min
                            + " pixels, got " + resolution + ": use a larger resolution (e.g. "
                            + (variant == Variant.CONVNET4 ? 28 : 96) + ")");
        }
        return new Shape(options.getInputChannels(), resolution, resolution);
    }

    public Properties toProperties() {
        Properties p = new Properties();
        p.setProperty("model", variant.id());
        p.setProperty("classes", Integer.toString(options.getClasses()));
        p.setProperty("channels", Integer.toString(options.getInputChannels()));
        p.setProperty("towers", Integer.toString(options.getTowers()));
        p.setProperty("lrn", Boolean.toString(options.isLrn()));
        p.setProperty("overlappingPooling", Boolean.toString(options.isOverlappingPooling()));
        p.setProperty("activation", options.getActivation().name().toLowerCase(Locale.ROOT));
        p.setProperty("dropout", Float.toString(options.getDropout()));
        p.setProperty("conv1Padding", Integer.toString(options.getConv1Padding()));
        p.setProperty("paperInit", Boolean.toString(options.isPaperInit()));
        p.setProperty("convWidth", Float.toString(options.getConvWidth()));
        p.setProperty("removed", String.join(",", options.getRemoved()));
        return p;
    }

    /** Reads what {@link #toProperties()} wrote; keys added later (convWidth, removed) default when absent. */
    public static ModelSpec fromProperties(Properties p) {
        Variant v = Variant.parse(p.getProperty("model"));
        ModelSpec spec = of(v, Integer.parseInt(p.getProperty("classes")), Integer.parseInt(p.getProperty("channels")));
        return spec.with(o -> o.optTowers(Integer.parseInt(p.getProperty("towers")))
                .optLrn(Boolean.parseBoolean(p.getProperty("lrn")))
                .optOverlappingPooling(Boolean.parseBoolean(p.getProperty("overlappingPooling")))
                .optActivation(ActivationKind.parse(p.getProperty("activation")))
                .optDropout(Float.parseFloat(p.getProperty("dropout")))
                .optConv1Padding(Integer.parseInt(p.getProperty("conv1Padding")))
                .optPaperInit(Boolean.parseBoolean(p.getProperty("paperInit")))
                .optConvWidth(Float.parseFloat(p.getProperty("convWidth", "1.0")))
                .optRemove(p.getProperty("removed", "").split(",")));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelSpec other && toProperties().equals(other.toProperties());
    }

    @Override
    public int hashCode() {
        return toProperties().hashCode();
    }

    @Override
    public String toString() {
        switch (variant) {
            case ALEXNET_TORCHVISION:
                return "torchvision AlexNet(classes=" + getClasses() + ")";
            case LENET:
                return "LeNet-5(classes=" + getClasses() + ")";
            case CONVNET4:
                return "convnet4(classes=" + getClasses() + ", activation="
                        + options.getActivation().name().toLowerCase(Locale.ROOT) + ")";
            default:
                return variant.id() + " " + options;
        }
    }
}
