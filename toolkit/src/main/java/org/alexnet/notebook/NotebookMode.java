package org.alexnet.notebook;

import ai.djl.engine.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.alexnet.data.imagenet.ImageNetSample;
import org.alexnet.train.Preset;
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
     * AlexNet on Fashion-MNIST (notebooks 01, 03, 05): {@link Preset#SMOKE}, {@link Preset#WORKSHOP} or
     * {@link Preset#D2L} (the command line's GPU default).
     */
    public Recipe alexNetRecipe() {
        return pick(Preset.SMOKE, Preset.WORKSHOP, Preset.D2L).recipe();
    }

    /** LeNet-5 next to AlexNet (notebook 01): the LENET_ presets of {@link Preset}. */
    public Recipe leNetRecipe() {
        return pick(Preset.LENET_SMOKE, Preset.LENET_WORKSHOP, Preset.LENET_D2L).recipe();
    }

    /** ReLU against tanh (notebook 02, the paper's Figure 1): the ACTIVATION_ presets of {@link Preset}. */
    public Recipe activationRecipe() {
        return pick(Preset.ACTIVATION_SMOKE, Preset.ACTIVATION_WORKSHOP, Preset.ACTIVATION_FULL)
                .recipe();
    }

    private Preset pick(Preset smoke, Preset workshop, Preset full) {
        return this == SMOKE ? smoke : this == WORKSHOP ? workshop : full;
    }

    /** Notebook 06's live ablation study: {@link Preset#ABLATION_SMOKE}, {@link Preset#ABLATION_LIVE} or {@link Preset#ABLATION_WORKSHOP}. */
    public Recipe ablationRecipe() {
        return pick(Preset.ABLATION_SMOKE, Preset.ABLATION_LIVE, Preset.ABLATION_WORKSHOP)
                .recipe();
    }

    /** Test images for the final evaluation (notebook 03): all 10,000 except in SMOKE mode, {@link Preset#SMOKE}'s (0 = all). */
    public int evaluationImages() {
        return this == SMOKE ? Preset.SMOKE.recipe().getTestSubset() : 0;
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

    /** Training on that sample (notebook 04): the IMAGENET_SAMPLE_ presets of {@link Preset}. */
    public Recipe imageNetRecipe() {
        return pick(Preset.IMAGENET_SAMPLE_SMOKE, Preset.IMAGENET_SAMPLE_WORKSHOP, Preset.IMAGENET_SAMPLE_FULL)
                .recipe();
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
                .resolve("runs")
                .resolve("notebooks")
                .resolve(name().toLowerCase(Locale.ROOT))
                .resolve(name);
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
