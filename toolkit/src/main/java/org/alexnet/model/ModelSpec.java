package org.alexnet.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.util.Locale;
import java.util.Properties;

/**
 * Which network to build: a named variant plus the AlexNet options, so the command line, notebooks
 * and checkpoints describe a model the same way (a checkpoint stores its spec and rebuilds it).
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
        ALEXNET_TORCHVISION("alexnet-torchvision");

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
            throw new IllegalArgumentException("unknown model '" + s + "': use alexnet, alexnet-fashion, alexnet-torchvision or lenet");
        }
    }

    private final Variant variant;
    private final AlexNet.Builder options;

    private ModelSpec(Variant variant, AlexNet.Builder options) {
        this.variant = variant;
        this.options = options;
    }

    /** The variant with its default options, for {@code classes} classes and {@code channels} channels. */
    public static ModelSpec of(Variant variant, int classes, int channels) {
        AlexNet.Builder b = variant == Variant.ALEXNET_FASHION ? AlexNet.fashionMnistBuilder() : AlexNet.builder();
        if (variant == Variant.ALEXNET_TORCHVISION) {
            b.optTowers(1).optLrn(false).optPaperInit(false); // what TorchvisionAlexNet is; only classes and dropout apply
        }
        return new ModelSpec(variant, b.optClasses(classes).optInputChannels(channels));
    }

    /** The AlexNet options (ignored by LeNet except classes); adjust them before {@link #build()}. */
    public AlexNet.Builder options() {
        return options;
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
        if (resolution < AlexNet.MIN_INPUT_SIZE) {
            throw new IllegalArgumentException(
                    "AlexNet needs inputs of at least " + AlexNet.MIN_INPUT_SIZE + " pixels, got " + resolution
                            + ": use a larger resolution (e.g. 96)");
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
        return p;
    }

    public static ModelSpec fromProperties(Properties p) {
        Variant v = Variant.parse(p.getProperty("model"));
        ModelSpec spec = of(v, Integer.parseInt(p.getProperty("classes")), Integer.parseInt(p.getProperty("channels")));
        spec.options
                .optTowers(Integer.parseInt(p.getProperty("towers")))
                .optLrn(Boolean.parseBoolean(p.getProperty("lrn")))
                .optOverlappingPooling(Boolean.parseBoolean(p.getProperty("overlappingPooling")))
                .optActivation(ActivationKind.parse(p.getProperty("activation")))
                .optDropout(Float.parseFloat(p.getProperty("dropout")))
                .optConv1Padding(Integer.parseInt(p.getProperty("conv1Padding")))
                .optPaperInit(Boolean.parseBoolean(p.getProperty("paperInit")));
        return spec;
    }

    @Override
    public String toString() {
        if (variant == Variant.ALEXNET_TORCHVISION) {
            return "torchvision AlexNet(classes=" + getClasses() + ")";
        }
        return variant == Variant.LENET ? "LeNet-5(classes=" + getClasses() + ")" : variant.id() + " " + options;
    }
}
