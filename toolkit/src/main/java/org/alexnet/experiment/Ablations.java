package org.alexnet.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.alexnet.model.ActivationKind;
import org.alexnet.model.ModelSpec;
import org.alexnet.train.Recipe;

/**
 * The paper's ablations as named {@link Arm}s of one {@link Setup}: each changes one thing the paper
 * credits with part of its result, and carries the paper's claim about it.
 *
 * <pre>{@code
 * Ablations.Setup base = Ablations.fashionMnistBaseline(Preset.ABLATION_WORKSHOP.recipe());
 * Experiment<Ablations.Setup> e = new Experiment<>(base, Ablations.arms(List.of("no-lrn")), seeds, dir, trial, listener);
 * }</pre>
 */
public final class Ablations {

    private Ablations() {}

    /** The name of the arm every other is compared with. */
    public static final String BASELINE = "baseline";

    /** The arm that reuses the baseline's networks and only tests them differently. */
    public static final String CENTRE_TEST = "centre-test";

    /**
     * One run's setup (the seed comes separately).
     *
     * @param spec the network
     * @param recipe the recipe, its seed ignored (each run sets its own)
     * @param augment train on random crops and mirror images (ImageNet: also PCA lighting; without it, only
     *     the lighting is off, since its crops are how the images get their size)
     * @param tenPatch test on the ten patches (else the centre patch)
     * @param trainedBy the arm whose trained networks this arm tests (null: it trains its own)
     */
    public record Setup(ModelSpec spec, Recipe recipe, boolean augment, boolean tenPatch, String trainedBy) {

        public Setup {
            recipe = recipe.toBuilder().seed(0).build();
        }

        /** The recipe of the run with {@code seed}. */
        public Recipe recipe(long seed) {
            return recipe.toBuilder().seed(seed).build();
        }

        public Setup withSpec(ModelSpec s) {
            return new Setup(s, recipe, augment, tenPatch, trainedBy);
        }

        /** What a results row records: everything that makes two runs comparable. */
        @Override
        public String toString() {
            return spec + "; " + recipe.toString().replace(", seed 0", "") + "; augmentation "
                    + (augment ? "crops+mirror" : "none") + "; test " + (tenPatch ? "ten patches" : "centre patch")
                    + (trainedBy != null ? "; networks of arm " + trainedBy : "");
        }
    }

    /**
     * The paper's AlexNet (two towers, LRN, overlapping pooling, dropout 0.5, ReLU) for grey images and
     * ten classes, trained on crops and mirror images, tested on ten patches. DJL's default
     * initialisation instead of the paper's N(0, 0.01): in a few epochs the latter barely leaves chance
     * level, and initialisation is not one of the ablations.
     */
    public static Setup fashionMnistBaseline(Recipe recipe) {
        return new Setup(ModelSpec.of(ModelSpec.Variant.ALEXNET, 10, 1).withPaperInit(false), recipe, true, true, null);
    }

    /** The paper's AlexNet for an ImageNet-layout folder of {@code classes} classes, as {@link #fashionMnistBaseline}. */
    public static Setup imageNetBaseline(int classes, Recipe recipe) {
        return new Setup(
                ModelSpec.of(ModelSpec.Variant.ALEXNET, classes, 3).withPaperInit(false), recipe, true, true, null);
    }

    private static final Map<String, Arm<Setup>> ALL = new LinkedHashMap<>();

    private static void arm(String name, String claim, UnaryOperator<Setup> change) {
        ALL.put(name, new Arm<>(name, claim, change));
    }

    static {
        ALL.put(BASELINE, Arm.baseline("the paper's network, augmentation and ten-patch test"));
        arm(
                "no-lrn",
                "LRN lowers top-1/top-5 error by 1.4/1.2 points (section 3.3)",
                s -> s.withSpec(s.spec().withLrn(false)));
        arm(
                "plain-pooling",
                "overlapping 3x3 pooling lowers top-1/top-5 error by 0.4/0.3 points against 2x2 (3.4)",
                s -> s.withSpec(s.spec().withOverlappingPooling(false)));
        arm(
                "no-dropout",
                "without dropout the network overfits substantially (4.2)",
                s -> s.withSpec(s.spec().withDropout(0f)));
        arm(
                "tanh",
                "ReLUs train several times faster than tanh units (3.1, Figure 1)",
                s -> s.withSpec(s.spec().withActivation(ActivationKind.TANH)));
        arm(
                "one-tower-half",
                "the two-GPU net beats a one-GPU net with half the kernels by 1.7/1.2 points (3.2)",
                s -> s.withSpec(s.spec().withTowers(1).withConvWidth(0.5f)));
        arm(
                "no-conv3",
                "removing any middle convolutional layer costs about 2 points top-1 (section 1, 7)",
                s -> s.withSpec(s.spec().without("conv3")));
        arm(
                "no-augmentation",
                "without crops and mirror images the network overfits substantially (4.1)",
                s -> new Setup(s.spec(), s.recipe(), false, s.tenPatch(), null));
        arm(
                CENTRE_TEST,
                "averaging the ten patches' softmax at test time (4.1; the paper gives no number):"
                        + " the baseline's networks tested on the centre patch",
                s -> new Setup(s.spec(), s.recipe(), s.augment(), false, BASELINE));
    }

    /** Every arm's name, in the order a study runs them. */
    public static List<String> names() {
        return List.copyOf(ALL.keySet());
    }

    /** Every arm. */
    public static List<Arm<Setup>> arms() {
        return List.copyOf(ALL.values());
    }

    /** The named arms, baseline first (added when missing: the others are measured against it). */
    public static List<Arm<Setup>> arms(List<String> names) {
        List<Arm<Setup>> out = new ArrayList<>();
        out.add(ALL.get(BASELINE));
        for (String n : names) {
            String name = n.trim().toLowerCase(Locale.ROOT);
            Arm<Setup> arm = ALL.get(name);
            if (arm == null) {
                throw new IllegalArgumentException("unknown arm '" + n + "': use " + String.join(", ", names()));
            }
            if (!out.contains(arm)) {
                out.add(arm);
            }
        }
        return out;
    }

    /** The arms' claims, one line each, for summaries. */
    public static String claims(List<Arm<Setup>> arms) {
        return arms.stream()
                .map(a -> String.format(Locale.ROOT, "  %-16s %s", a.name(), a.claim()))
                .collect(Collectors.joining("\n"));
    }
}
