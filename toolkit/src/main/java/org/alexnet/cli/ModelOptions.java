package org.alexnet.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.alexnet.model.ActivationKind;
import org.alexnet.model.ModelSpec;
import picocli.CommandLine.Option;

/** The network flags, declared once for train and summary; unset flags keep the model's own defaults. */
final class ModelOptions {

    @Option(
            names = "--model",
            paramLabel = "NAME",
            converter = Values.Model.class,
            completionCandidates = Values.ModelNames.class,
            description = "${COMPLETION-CANDIDATES} (default: ${bundle:model.default-fashion} on fashion-mnist,"
                    + " ${bundle:model.default} on imagenet and for summary)")
    ModelSpec.Variant model;

    @Option(
            names = "--towers",
            paramLabel = "1|2",
            description = "the paper's two GPU towers or one (default: ${bundle:model.towers})")
    Integer towers;

    @Option(names = "--no-lrn", description = "no local response normalisation (default: ${bundle:model.lrn})")
    boolean noLrn;

    @Option(
            names = "--pooling",
            paramLabel = "overlapping|non-overlapping",
            arity = "1",
            converter = Values.Pooling.class,
            description = "3x3 windows with stride 2, or 2x2 (default: ${bundle:model.pooling})")
    Boolean overlappingPooling;

    @Option(
            names = "--activation",
            paramLabel = "NAME",
            converter = Values.Activation.class,
            completionCandidates = Values.ActivationNames.class,
            description = "${COMPLETION-CANDIDATES} (default: ${bundle:model.activation})")
    ActivationKind activation;

    @Option(
            names = "--dropout",
            paramLabel = "X",
            description = "dropout rate in the classifier (default: ${bundle:model.dropout})")
    Float dropout;

    @Option(
            names = "--paper-init",
            description = "the paper's Gaussian weights and biases (default: ${bundle:model.init})")
    boolean paperInit;

    @Option(
            names = "--default-init",
            description = "DJL's default initialisation instead (learns sooner in short runs)")
    boolean defaultInit;

    ModelSpec.Variant variant(ModelSpec.Variant fallback) {
        return model != null ? model : fallback;
    }

    /** The network asked for, {@code fallback} when --model is not given. */
    ModelSpec spec(ModelSpec.Variant fallback, int classes, int channels) {
        ModelSpec.Variant v = variant(fallback);
        List<String> ignored = ignoredBy(v);
        if (!ignored.isEmpty()) {
            throw new UsageException(ignored.get(0) + " does not apply to --model " + v.id() + " ("
                    + (v == ModelSpec.Variant.LENET
                            ? "LeNet-5 is fixed: sigmoid, average pooling, no dropout"
                            : "torchvision's network takes only --dropout")
                    + "): drop it");
        }
        return apply(ModelSpec.of(v, classes, channels));
    }

    /** The flags given that {@code variant}'s network does not use, so a run would record what it did not train. */
    private List<String> ignoredBy(ModelSpec.Variant variant) {
        if (variant != ModelSpec.Variant.LENET && variant != ModelSpec.Variant.ALEXNET_TORCHVISION) {
            return List.of();
        }
        List<String> given = new ArrayList<>();
        if (towers != null) {
            given.add("--towers");
        }
        if (noLrn) {
            given.add("--no-lrn");
        }
        if (overlappingPooling != null) {
            given.add("--pooling");
        }
        if (activation != null) {
            given.add("--activation");
        }
        if (dropout != null && variant == ModelSpec.Variant.LENET) {
            given.add("--dropout");
        }
        if (paperInit) {
            given.add("--paper-init");
        }
        if (defaultInit) {
            given.add("--default-init");
        }
        return given;
    }

    /** {@code spec} with the flags given applied. */
    ModelSpec apply(ModelSpec spec) {
        if (paperInit && defaultInit) {
            throw new UsageException("--paper-init and --default-init exclude each other");
        }
        return spec.with(o -> {
            if (towers != null) {
                o.optTowers(towers);
            }
            if (noLrn) {
                o.optLrn(false);
            }
            if (overlappingPooling != null) {
                o.optOverlappingPooling(overlappingPooling);
            }
            if (activation != null) {
                o.optActivation(activation);
            }
            if (dropout != null) {
                o.optDropout(dropout);
            }
            if (paperInit || defaultInit) {
                o.optPaperInit(paperInit);
            }
            return o;
        });
    }

    /** Whether either initialisation flag was given. */
    boolean initGiven() {
        return paperInit || defaultInit;
    }

    /** ModelSpec property → the flag that sets it. */
    private static final Map<String, String> FLAG_OF = Map.of(
            "towers",
            "towers",
            "lrn",
            "no-lrn",
            "overlappingPooling",
            "pooling",
            "activation",
            "activation",
            "dropout",
            "dropout",
            "paperInit",
            "paper-init");

    /** The resumed run's network; a flag that would change it is refused. */
    ModelSpec resumed(Properties savedSpec, Path output) {
        ModelSpec spec = ModelSpec.fromProperties(savedSpec);
        if (model != null && model != spec.getVariant()) {
            throw TrainCommand.frozen("model", output, spec.getVariant().id());
        }
        Properties before = spec.toProperties();
        Properties asked = apply(ModelSpec.fromProperties(savedSpec)).toProperties();
        for (String key : asked.stringPropertyNames()) {
            if (!asked.getProperty(key).equals(before.getProperty(key))) {
                String flag = FLAG_OF.getOrDefault(key, key);
                if (flag.equals("paper-init") && defaultInit) {
                    flag = "default-init";
                }
                throw TrainCommand.frozen(flag, output, key + "=" + before.getProperty(key));
            }
        }
        return spec;
    }
}
