package org.alexnet.notebook;

import ai.djl.Model;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.alexnet.model.ModelSpec;
import org.alexnet.train.Checkpoint;
import org.alexnet.train.FashionMnistData;
import org.alexnet.train.History;
import org.alexnet.train.ProgressListener;
import org.alexnet.train.Recipe;
import org.alexnet.train.RunState;
import org.alexnet.train.Training;

/**
 * Trained Fashion-MNIST models shared between notebooks: notebook 03 trains and leaves its checkpoint
 * in a run directory, notebook 05 and the solutions load it instead of training again, but only when
 * it was written for the same network and recipe and finished all epochs.
 *
 * <pre>{@code
 * NotebookRuns.Run run = NotebookRuns.trainOrLoad(spec, recipe, mode.runDirectory("fashion-alexnet"), "MXNet",
 *         new LiveTraining());
 * Model model = run.model();
 * }</pre>
 */
public final class NotebookRuns {

    /** A trained model, its history, and whether it came from an earlier run's checkpoint. */
    public record Run(Model model, History history, boolean loaded) {}

    private NotebookRuns() {}

    /** Trains {@code spec} with {@code recipe}, keeping checkpoints in {@code dir} (null: none). */
    public static Run train(ModelSpec spec, Recipe recipe, Path dir, String engine, ProgressListener... listeners)
            throws IOException, TranslateException {
        Model model = Training.newModel(spec, engine, null);
        try {
            Training.Builder b = Training.builder()
                    .setModel(model, spec)
                    .setData(new FashionMnistData())
                    .setRecipe(recipe);
            if (dir != null) {
                Files.createDirectories(dir);
                b.optOutputDir(dir);
            }
            for (ProgressListener l : listeners) {
                b.addListener(l);
            }
            History history = b.build().fit();
            return new Run(model, history, false);
        } catch (IOException | TranslateException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * Loads the finished run in {@code dir} when it matches {@code spec} and {@code recipe}; otherwise
     * trains (see {@link #train}).
     */
    public static Run trainOrLoad(ModelSpec spec, Recipe recipe, Path dir, String engine, ProgressListener... listeners)
            throws IOException, TranslateException {
        Path last = Training.lastCheckpoint(dir);
        if (matches(last, spec, recipe)) {
            Checkpoint.Loaded loaded = Checkpoint.loadModel(last, engine, null);
            return new Run(loaded.model(), loaded.state().history(), true);
        }
        return train(spec, recipe, dir, engine, listeners);
    }

    /** Whether {@code checkpoint} holds all epochs of {@code recipe} for {@code spec}. */
    static boolean matches(Path checkpoint, ModelSpec spec, Recipe recipe) {
        if (!Files.isRegularFile(checkpoint)) {
            return false;
        }
        RunState state;
        try {
            state = Checkpoint.readState(checkpoint);
        } catch (IOException | RuntimeException e) {
            return false; // damaged or foreign file: train again
        }
        return FashionMnistData.NAME.equals(state.datasetName())
                && state.recipe().equals(recipe)
                && state.spec().toProperties().equals(spec.toProperties())
                && state.finished();
    }
}
