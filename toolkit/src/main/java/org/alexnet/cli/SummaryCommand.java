package org.alexnet.cli;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.io.PrintStream;
import org.alexnet.data.FashionMnist;
import org.alexnet.model.ModelSpec;
import org.alexnet.model.ModelSummary;
import org.alexnet.train.Recipe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "summary",
        sortOptions = false,
        abbreviateSynopsis = true,
        description =
                "print a model's layers, output shapes, parameters and forward multiply-adds (MACs) per layer and in total")
final class SummaryCommand extends Subcommand {

    /**
     * ImageNet's classes and channels (the paper's and torchvision's networks are ImageNet networks);
     * a summary without --classes/--channels shows them for {@link #IMAGENET_VARIANTS}, and
     * Fashion-MNIST's for the others.
     */
    static final int IMAGENET_CLASSES = 1000;

    static final int IMAGENET_CHANNELS = 3;
    static final int FASHION_MNIST_CHANNELS = 1;
    static final String IMAGENET_VARIANTS = "alexnet and alexnet-torchvision";

    @Mixin
    ModelOptions model;

    @Option(
            names = "--resolution",
            paramLabel = "N",
            converter = Values.Resolution.class,
            description = "input side in pixels (default ${bundle:summary.resolution})")
    Integer resolution;

    @Option(
            names = "--classes",
            paramLabel = "N",
            converter = Values.AtLeast1.class,
            description = "output classes (default " + IMAGENET_CLASSES + " for " + IMAGENET_VARIANTS + ", "
                    + FashionMnist.NUM_CLASSES + " for the others)")
    Integer classes;

    @Option(
            names = "--channels",
            paramLabel = "N",
            converter = Values.AtLeast1.class,
            description = "input channels (default " + IMAGENET_CHANNELS + " for " + IMAGENET_VARIANTS + ", "
                    + FASHION_MNIST_CHANNELS + " for the others)")
    Integer channels;

    @Option(names = "--html", description = "an HTML table instead of text")
    boolean html;

    @Mixin
    EngineOptions engine;

    SummaryCommand(PrintStream out, PrintStream err) {
        super(out, err);
    }

    @Override
    public Integer call() throws Exception {
        boolean imagenet = isImageNetNetwork(model.variant(ModelSpec.Variant.ALEXNET));
        ModelSpec spec = model.spec(
                ModelSpec.Variant.ALEXNET,
                classes != null ? classes : imagenet ? IMAGENET_CLASSES : FashionMnist.NUM_CLASSES,
                channels != null ? channels : imagenet ? IMAGENET_CHANNELS : FASHION_MNIST_CHANNELS);
        int side = resolution != null
                ? resolution
                : spec.getVariant() == ModelSpec.Variant.LENET
                        ? FashionMnist.IMAGE_SIZE
                        : Recipe.paper().getResolution();
        Shape input = new Shape(1).addAll(spec.inputShape(side));
        Engine e = engine.select();
        try (Model m = Model.newInstance("summary", Device.cpu(), e.getEngineName())) {
            Block block = spec.build();
            m.setBlock(block);
            block.initialize(m.getNDManager(), DataType.FLOAT32, input);
            ModelSummary s = ModelSummary.of(block, input);
            out.println(spec);
            out.print(html ? s.toHtml(true) + "\n" : s.toText(true));
        }
        return 0;
    }

    /** The variants made for ImageNet ({@link #IMAGENET_VARIANTS}); the others are Fashion-MNIST's. */
    static boolean isImageNetNetwork(ModelSpec.Variant v) {
        return v == ModelSpec.Variant.ALEXNET || v == ModelSpec.Variant.ALEXNET_TORCHVISION;
    }
}
