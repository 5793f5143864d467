package org.alexnet.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.alexnet.train.Preset;
import org.alexnet.train.Recipe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotebookModeTest {

    @Test
    void parsesNamesInAnyCase() {
        assertEquals(NotebookMode.SMOKE, NotebookMode.parse("smoke"));
        assertEquals(NotebookMode.WORKSHOP, NotebookMode.parse(" Workshop "));
        assertEquals(NotebookMode.FULL, NotebookMode.parse("FULL"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NotebookMode.parse("fast"));
        assertTrue(e.getMessage().contains("smoke, workshop or full"), e.getMessage());
    }

    @Test
    void thePropertyWinsAndTheHardwareDecidesOtherwise() {
        String before = System.getProperty(NotebookMode.PROPERTY);
        try {
            System.setProperty(NotebookMode.PROPERTY, "smoke");
            assertEquals(NotebookMode.SMOKE, NotebookMode.current());
            System.setProperty(NotebookMode.PROPERTY, "full");
            assertEquals(NotebookMode.FULL, NotebookMode.current());
        } finally {
            if (before == null) {
                System.clearProperty(NotebookMode.PROPERTY);
            } else {
                System.setProperty(NotebookMode.PROPERTY, before);
            }
        }
        assertEquals(NotebookMode.FULL, NotebookMode.byHardware(true));
        assertEquals(NotebookMode.WORKSHOP, NotebookMode.byHardware(false));
    }

    @Test
    void recipesFollowTheModes() {
        Recipe w = NotebookMode.WORKSHOP.alexNetRecipe();
        assertEquals(96, w.getResolution());
        assertEquals(10_000, w.getTrainSubset());
        assertEquals(2_000, w.getTestSubset());
        assertEquals(3, w.getEpochs());
        Recipe full = NotebookMode.FULL.alexNetRecipe();
        assertEquals(224, full.getResolution());
        assertEquals(0, full.getTrainSubset(), "all 60,000 images");
        assertEquals(Preset.SMOKE.recipe(), NotebookMode.SMOKE.alexNetRecipe());
        assertEquals(Preset.D2L.recipe(), full, "FULL is the command line's GPU default");
        assertEquals(Preset.fashionMnistDefault(true).recipe(), full);

        Recipe lenet = NotebookMode.WORKSHOP.leNetRecipe();
        assertEquals(28, lenet.getResolution());
        assertEquals(0.1f, lenet.getLearningRate());
        assertEquals(w.getEpochs(), lenet.getEpochs(), "same epochs as the AlexNet it is compared with");
        assertEquals(w.getTrainSubset(), lenet.getTrainSubset());

        for (NotebookMode m : NotebookMode.values()) {
            Recipe a = m.activationRecipe();
            assertEquals(Recipe.Schedule.CONSTANT, a.getSchedule(), m + ": the same learning rate for both runs");
            assertTrue(a.getResolution() >= 67, "AlexNet's smallest input");
            assertTrue(a.getTrainSubset() % 10 == 0 && m.retrievalImages() % 10 == 0, "class-balanced subsets");
        }
        assertTrue(NotebookMode.SMOKE.retrievalImages() < NotebookMode.WORKSHOP.retrievalImages());

        // Notebook 06's live study: every arm at one constant rate; FULL is the committed study's budget.
        assertEquals(Preset.ABLATION_WORKSHOP.recipe(), NotebookMode.FULL.ablationRecipe());
        Recipe live = NotebookMode.WORKSHOP.ablationRecipe();
        assertEquals(72, live.getResolution());
        assertEquals(1_500, live.getTrainSubset());
        assertEquals(2, live.getEpochs());
        for (NotebookMode m : NotebookMode.values()) {
            Recipe a = m.ablationRecipe();
            assertEquals(Recipe.Schedule.CONSTANT, a.getSchedule(), m + ": a plateau drop would differ between arms");
            assertTrue(a.getResolution() >= 67 && a.getTrainSubset() % 10 == 0, m.toString());
        }
        assertTrue(NotebookMode.SMOKE.ablationRecipe().getTrainSubset() < live.getTrainSubset());
    }

    @Test
    void runDirectoriesLiveInTheProjectFolder(@TempDir Path tmp, @TempDir Path other) throws Exception {
        Files.createDirectories(tmp.resolve("toolkit"));
        Path solutions = Files.createDirectories(tmp.resolve("notebooks").resolve("solutions"));
        Path expected = tmp.resolve("runs/notebooks/workshop/fashion-alexnet");
        assertEquals(expected, NotebookMode.WORKSHOP.runDirectory(tmp.resolve("notebooks"), "fashion-alexnet"));
        assertEquals(expected, NotebookMode.WORKSHOP.runDirectory(solutions, "fashion-alexnet"));
        Path elsewhere = Files.createDirectories(other.resolve("x"));
        // Outside a project: next to the working directory.
        assertEquals(elsewhere.resolve("runs/notebooks/smoke/r"), NotebookMode.SMOKE.runDirectory(elsewhere, "r"));
    }
}
