package org.alexnet.notebook;

import ai.djl.engine.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.alexnet.data.imagenet.ImageNetSample;
import org.alexnet.train.Recipe;

/**
 * How much work the notebooks do, and every size that depends on it, in one place.
 *
 * <ul>
 *   <li>{@link #SMOKE}: seconds of compute per notebook (the headless notebook tests);
 *   <li>{@link #WORKSHOP}: under 10 minutes per notebook on 2 CPU cores in 1.5 GB (subsets, 96 px);
 *   <li>{@link #FULL}: the paper's and Dive into Deep Learning's settings (224 px, all 60,000 images),
 *       for a GPU.
 * </ul>
 *
 * <p>{@link #current()} reads the system property {@value #PROPERTY}, else the environment variable
 * {@value #ENV} (smoke, workshop or full, any case); without either it picks FULL when the engine sees
 * a GPU and WORKSHOP otherwise.
 *
 * <pre>{@code
 * NotebookMode mode = NotebookMode.current();
 * Recipe recipe = mode.alexNetRecipe();
 * }</pre>
 */
public enum NotebookMode {
    SMOKE,
    WORKSHOP,
    FULL;

    /** System property that sets the mode. */
    public static final String PROPERTY = "alexnet.mode";

    /** Environment variable that sets the mode (when the property is absent). */
    public static final String ENV = "ALEXNET_MODE";

    /** The mode asked for by property or environment, else FULL with a GPU and WORKSHOP without. */
    public static NotebookMode current() {
        String asked = System.getProperty(PROPERTY);
        if (asked == null || asked.isBlank()) {
            asked = System.getenv(ENV);
        }
        if (asked != null && !asked.isBlank()) {
            return parse(asked);
        }
        return byHardware(Engine.getInstance().getGpuCount() > 0);
    }

    /** The default when nothing is asked for: FULL with a GPU, WORKSHOP without. */
    static NotebookMode byHardware(boolean gpu) {
        return gpu ? FULL : WORKSHOP;
    }

    /** "smoke", "workshop" or "full", in any case. */
    public static NotebookMode parse(String name) {
        for (NotebookMode m : values()) {
            if (m.name().equalsIgnoreCase(name.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException(
                "unknown notebook mode '" + name + "': set " + ENV + " to smoke, workshop or full");
    }

    // ---- the numbers ---------------------------------------------------------------------------------

    /**
     * AlexNet on Fashion-MNIST (notebooks 01, 03, 05): {@link Recipe#smoke()}, {@link Recipe#workshop()}
     * (96 px, 10,000/2,000 images, 3 epochs) or {@link Recipe#fashionMnist()} (224 px, all images, 10
     * epochs); always the paper's optimiser.
     */
    public Recipe alexNetRecipe() {
        switch (this) {
            case SMOKE:
                return Recipe.smoke();
            case WORKSHOP:
                return Recipe.workshop();
            default:
                return Recipe.fashionMnist();
        }
    }

    /**
     * LeNet-5 next to AlexNet (notebook 01): the same images and epochs at LeNet's 28 px, with a
     * learning rate of 0.1 instead of 0.01 (a sigmoid network barely moves at 0.01 in a few epochs;
     * Dive into Deep Learning trains it at 0.9 without momentum) and a constant schedule.
     */
    public Recipe leNetRecipe() {
        return alexNetRecipe().toBuilder()
                .resolution(28)
                .learningRate(0.1f)
                .schedule(Recipe.Schedule.CONSTANT)
                .build();
    }

    /**
     * ReLU against tanh (notebook 02, the paper's Figure 1): two short runs of the same network at a
     * constant learning rate, sized so that both together take about two minutes on 2 CPU cores.
     */
    public Recipe activationRecipe() {
        Recipe.Builder b = Recipe.workshop().toBuilder().schedule(Recipe.Schedule.CONSTANT);
        switch (this) {
            case SMOKE:
                return b.resolution(72).trainSubset(300).testSubset(100).batchSize(64).epochs(1).build();
            case WORKSHOP:
                return b.resolution(72).trainSubset(3_000).testSubset(1_000).epochs(4).build();
            default:
                return b.resolution(224).trainSubset(20_000).testSubset(2_000).epochs(8).build();
        }
    }

    /** Test images for the final evaluation (notebook 03): all 10,000 except in SMOKE mode (0 = all). */
    public int evaluationImages() {
        return this == SMOKE ? 250 : 0;
    }

    /** Training images searched for nearest neighbours (notebook 05); their fc7 features stay in memory. */
    public int retrievalImages() {
        switch (this) {
            case SMOKE:
                return 200;
            case WORKSHOP:
                return 5_000;
            default:
                return 20_000;
        }
    }

    /** Test images whose nearest neighbours notebook 05 shows. */
    public int retrievalQueries() {
        return this == SMOKE ? 3 : 6;
    }

    /** Neighbours shown per query (the paper's Figure 4 shows six). */
    public int neighbours() {
        return 6;
    }

    /**
     * The stand-in for ImageNet that notebook 04 writes (Fashion-MNIST garments as colour JPEGs in the
     * ILSVRC layout, with the odd and broken files): 10 classes with 12, 60 or 300 training and 4, 10
     * or 50 validation images per class.
     */
    public ImageNetSample.Builder imageNetSample() {
        ImageNetSample.Builder b = ImageNetSample.builder().optClasses(10);
        switch (this) {
            case SMOKE:
                return b.optTrainPerClass(12).optValidationPerClass(4).optShorterSide(100, 200);
            case WORKSHOP:
                return b.optTrainPerClass(60).optValidationPerClass(10);
            default:
                return b.optTrainPerClass(300).optValidationPerClass(50);
        }
    }

    /**
     * Training on that sample (notebook 04): the paper's recipe with small crops on a CPU (72 px of 82,
     * batch 32; 1 epoch in SMOKE, 6 in WORKSHOP) and the paper's 224 of 256 with a GPU (10 epochs).
     */
    public Recipe imageNetRecipe() {
        Recipe.Builder b = Recipe.paper().toBuilder();
        switch (this) {
            case SMOKE:
                return b.resolution(72).batchSize(32).epochs(1).build();
            case WORKSHOP:
                return b.resolution(72).batchSize(32).epochs(6).build();
            default:
                return b.epochs(10).build();
        }
    }

    /** Batch size for inference passes (feature extraction, predictions). */
    public int inferenceBatchSize() {
        return this == FULL ? 256 : 128;
    }

    /**
     * Where a notebook keeps a run's checkpoints in this mode: {@code runs/notebooks/<mode>/<name>} in
     * the project folder (found from the working directory, so notebooks and their solutions agree), so
     * that notebook 05 can reuse what notebook 03 trained.
     */
    public Path runDirectory(String name) {
        return runDirectory(Path.of("").toAbsolutePath(), name);
    }

    Path runDirectory(Path workingDirectory, String name) {
        return projectRoot(workingDirectory)
                .resolve("runs").resolve("notebooks").resolve(name().toLowerCase(Locale.ROOT)).resolve(name);
    }

    /** The nearest folder at or above {@code start} holding both notebooks/ and toolkit/, else {@code start}. */
    static Path projectRoot(Path start) {
        for (Path p = start.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("notebooks")) && Files.isDirectory(p.resolve("toolkit"))) {
                return p;
            }
        }
        return start.toAbsolutePath();
    }

    /** One line for the top of a notebook: the mode, why, and how to change it. */
    public String describe() {
        String what;
        switch (this) {
            case SMOKE:
                what = "tiny subsets, seconds of compute (for tests)";
                break;
            case WORKSHOP:
                what = "CPU-sized: subsets of Fashion-MNIST at reduced resolution, minutes per notebook";
                break;
            default:
                what = "the paper's and d2l's settings: 224 px, all images (meant for a GPU)";
        }
        return "notebook mode " + name() + ": " + what + " (set " + ENV + "=smoke|workshop|full to change)";
    }
}
