package org.alexnet.train;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Every named {@link Recipe}: the command line's {@code --preset}, the notebooks' modes and the tests
 * take their numbers from here. Each preset starts from another and says what it changes, and why.
 *
 * <pre>{@code
 * Recipe r = Preset.named("workshop").recipe();
 * }</pre>
 */
public enum Preset {
    PAPER(
            "Krizhevsky et al. (2012), section 5: SGD, batch 128, momentum 0.9, weight decay 0.0005, lr 0.01"
                    + " divided by 10 on plateaus (3 times), 90 epochs, 224 px",
            () -> new Recipe.Builder().build()),
    D2L(
            "Dive into Deep Learning's Fashion-MNIST setting (224 px, all images, 10 epochs) with the paper's"
                    + " optimiser; the default with a GPU and the notebooks' FULL mode",
            () -> PAPER.recipe().toBuilder().epochs(10).patience(1).build()),
    D2L_96(
            "D2L at 96 px for 5 epochs: above 0.90 Fashion-MNIST test accuracy in about 36 minutes on 2 CPU"
                    + " cores (measured 0.9034, docs/experiments.md); the plateau drops come after epoch 5",
            () -> D2L.recipe().toBuilder().resolution(96).epochs(5).build()),
    WORKSHOP(
            "D2L cut to a few minutes on 1-2 CPU cores: 96 px (AlexNet's geometry needs 67), a class-balanced"
                    + " 10,000/2,000-image subset, 3 epochs; the default without a GPU",
            () -> D2L.recipe().toBuilder()
                    .resolution(96)
                    .trainSubset(10_000)
                    .testSubset(2_000)
                    .epochs(3)
                    .build()),
    SMOKE(
            "seconds of compute that still run every step: 72 px, 500/250 images, batch 64, 1 epoch (smoke tests)",
            () -> WORKSHOP.recipe().toBuilder()
                    .resolution(72)
                    .trainSubset(500)
                    .testSubset(250)
                    .batchSize(64)
                    .epochs(1)
                    .build()),
    LENET_SMOKE("SMOKE for LeNet-5: " + Lenet.WHY, () -> Lenet.of(SMOKE)),
    LENET_WORKSHOP("WORKSHOP for LeNet-5: " + Lenet.WHY, () -> Lenet.of(WORKSHOP)),
    LENET_D2L("D2L for LeNet-5: " + Lenet.WHY, () -> Lenet.of(D2L)),
    ACTIVATION_SMOKE(
            "ReLU against tanh (notebook 02) in seconds: a constant lr so both runs see the same steps",
            () -> Activation.base()
                    .resolution(72)
                    .trainSubset(300)
                    .testSubset(100)
                    .batchSize(64)
                    .epochs(1)
                    .build()),
    ACTIVATION_WORKSHOP(
            "ReLU against tanh (notebook 02, the paper's Figure 1): both runs together about two"
                    + " minutes on 2 CPU cores",
            () -> Activation.base()
                    .resolution(72)
                    .trainSubset(3_000)
                    .testSubset(1_000)
                    .epochs(4)
                    .build()),
    ACTIVATION_FULL(
            "ReLU against tanh (notebook 02) at 224 px on 20,000 images for a GPU",
            () -> Activation.base()
                    .resolution(224)
                    .trainSubset(20_000)
                    .testSubset(2_000)
                    .epochs(8)
                    .build()),
    IMAGENET_SAMPLE_SMOKE(
            "the paper's recipe on notebook 04's ImageNet stand-in in seconds: 72 px crops, batch 32," + " 1 epoch",
            () -> PAPER.recipe().toBuilder()
                    .resolution(72)
                    .batchSize(32)
                    .epochs(1)
                    .build()),
    IMAGENET_SAMPLE_WORKSHOP(
            "the paper's recipe on notebook 04's ImageNet stand-in on a CPU: 72 px crops, batch 32," + " 6 epochs",
            () -> PAPER.recipe().toBuilder()
                    .resolution(72)
                    .batchSize(32)
                    .epochs(6)
                    .build()),
    IMAGENET_SAMPLE_FULL(
            "the paper's recipe (224 of 256) on notebook 04's ImageNet stand-in with a GPU, 10 epochs",
            () -> PAPER.recipe().toBuilder().epochs(10).build()),
    TINY_LENET(
            "the smallest run that trains, saves and reloads (notebook-run tests): SMOKE at LeNet's 28 px on"
                    + " 100/50 images",
            () -> SMOKE.recipe().toBuilder()
                    .resolution(28)
                    .trainSubset(100)
                    .testSubset(50)
                    .build()),
    ABLATION_WORKSHOP(
            "the ablation study (alexnet experiment) on 2 CPU cores: WORKSHOP's 96 px, 10,000/2,000"
                    + " images and 3 epochs at a constant lr, so every arm takes the same steps (a plateau drop would"
                    + " fall on different epochs in different arms)",
            () -> WORKSHOP.recipe().toBuilder()
                    .schedule(Recipe.Schedule.CONSTANT)
                    .build()),
    ABLATION_LIVE(
            "notebook 06's live study (two arms, three seeds) in about two minutes on 2 CPU cores: 72 px,"
                    + " 1,500/500 images, batch 64, 2 epochs, constant lr",
            () -> ABLATION_WORKSHOP.recipe().toBuilder()
                    .resolution(72)
                    .trainSubset(1_500)
                    .testSubset(500)
                    .batchSize(64)
                    .epochs(2)
                    .build()),
    ABLATION_SMOKE(
            "the ablation study's tests and a first look in seconds: 72 px, 200/100 images, batch 50,"
                    + " 1 epoch, constant lr",
            () -> ABLATION_WORKSHOP.recipe().toBuilder()
                    .resolution(72)
                    .trainSubset(200)
                    .testSubset(100)
                    .batchSize(50)
                    .epochs(1)
                    .build()),
    FIGURE1_WORKSHOP(
            "Figure 1 (alexnet figure1): the four-layer convnet at Fashion-MNIST's own 28 px on all 60,000"
                    + " images, no weight decay (the figure used no regularisation), SGD with momentum 0.9 at a constant lr,"
                    + " batch 128, at most 12 epochs (a run stops once its training error reaches the last level)",
            () -> PAPER.recipe().toBuilder()
                    .resolution(28)
                    .weightDecay(0f)
                    .schedule(Recipe.Schedule.CONSTANT)
                    .batchSize(128)
                    .epochs(12)
                    .testSubset(1_000)
                    .build()),
    FIGURE1_SMOKE(
            "Figure 1's tests in seconds: 28 px, 1,000/100 images, batch 50, at most 2 epochs",
            () -> FIGURE1_WORKSHOP.recipe().toBuilder()
                    .trainSubset(1_000)
                    .testSubset(100)
                    .batchSize(50)
                    .epochs(2)
                    .build()),
    LEARNING_CHECK(
            "the smallest run that learns Fashion-MNIST well above chance on both engines (TrainingTest):"
                    + " 72 px, 5,000/1,000 images, batch 32, 4 epochs",
            () -> WORKSHOP.recipe().toBuilder()
                    .resolution(72)
                    .trainSubset(5_000)
                    .testSubset(1_000)
                    .batchSize(32)
                    .epochs(4)
                    .build());

    private final String reason;
    private final Supplier<Recipe> recipe;

    Preset(String reason, Supplier<Recipe> recipe) {
        this.reason = reason;
        this.recipe = recipe;
    }

    public Recipe recipe() {
        return recipe.get();
    }

    /** Why the preset exists and what it changes, in one line. */
    public String reason() {
        return reason;
    }

    /** The name the command line takes: {@code d2l}, {@code lenet-workshop}, ... */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The Fashion-MNIST default: {@link #D2L} with a GPU, {@link #WORKSHOP} without. */
    public static Preset fashionMnistDefault(boolean gpu) {
        return gpu ? D2L : WORKSHOP;
    }

    /** The preset called {@code name} (any case, '-' or '_'). */
    public static Preset named(String name) {
        for (Preset p : values()) {
            if (p.id().equalsIgnoreCase(name.trim().replace('_', '-'))) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown preset '" + name + "': use one of "
                + Arrays.stream(values()).map(Preset::id).collect(Collectors.joining(", ")));
    }

    /** LeNet-5 next to AlexNet (notebook 01). */
    private static final class Lenet {
        static final String WHY = "the same images and epochs at LeNet's 28 px, lr 0.1 (a sigmoid network barely"
                + " moves at 0.01 in a few epochs; d2l uses 0.9 without momentum), constant schedule";

        static Recipe of(Preset alexNet) {
            return alexNet.recipe().toBuilder()
                    .resolution(28)
                    .learningRate(0.1f)
                    .schedule(Recipe.Schedule.CONSTANT)
                    .build();
        }
    }

    /** The activation comparison's common part: WORKSHOP at a constant learning rate. */
    private static final class Activation {
        static Recipe.Builder base() {
            return WORKSHOP.recipe().toBuilder().schedule(Recipe.Schedule.CONSTANT);
        }
    }
}
