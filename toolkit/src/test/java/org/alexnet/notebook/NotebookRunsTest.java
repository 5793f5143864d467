package org.alexnet.notebook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.alexnet.TestEngines;
import org.alexnet.data.FashionMnist;
import org.alexnet.model.ModelSpec;
import org.alexnet.train.Preset;
import org.alexnet.train.Recipe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotebookRunsTest {

    private static float[] parameters(NotebookRuns.Run run) {
        var p = run.model().getBlock().getParameters();
        return p.valueAt(0).getArray().toFloatArray();
    }

    @Test
    void loadsAFinishedMatchingRunAndTrainsOtherwise(@TempDir Path dir) throws Exception {
        assumeTrue(
                Files.isRegularFile(FashionMnist.SYSTEM_DIRECTORY.resolve("train-images-idx3-ubyte.gz")),
                "needs the Fashion-MNIST files");
        ModelSpec spec = ModelSpec.of(ModelSpec.Variant.LENET, 10, 1);
        Recipe recipe = Preset.TINY_LENET.recipe();
        assertEquals(1, recipe.getEpochs());
        float[] trained;
        NotebookRuns.Run fresh = NotebookRuns.trainOrLoad(spec, recipe, dir, TestEngines.MXNET);
        try {
            assertFalse(fresh.loaded(), "nothing to load yet");
        } finally {
            fresh.model().close();
        }
        NotebookRuns.Run first = NotebookRuns.trainOrLoad(spec, recipe, dir, TestEngines.MXNET);
        try {
            assertTrue(first.loaded(), "the first call left a finished checkpoint");
            assertEquals(1, first.history().size());
            trained = parameters(first);
        } finally {
            first.model().close();
        }
        NotebookRuns.Run again = NotebookRuns.trainOrLoad(spec, recipe, dir, TestEngines.MXNET);
        try {
            assertTrue(again.loaded());
            assertArrayEquals(trained, parameters(again), "the same weights each time");
        } finally {
            again.model().close();
        }
        // Another recipe (two epochs) does not match: it trains, and then its own run matches.
        Recipe longer = recipe.toBuilder().epochs(2).build();
        assertFalse(NotebookRuns.matches(dir.resolve("last.ckpt"), spec, longer));
        NotebookRuns.Run other = NotebookRuns.trainOrLoad(spec, longer, dir, TestEngines.MXNET);
        try {
            assertFalse(other.loaded());
            assertEquals(2, other.history().size());
            assertTrue(NotebookRuns.matches(dir.resolve("last.ckpt"), spec, longer));
        } finally {
            other.model().close();
        }
        assertFalse(NotebookRuns.matches(dir.resolve("missing.ckpt"), spec, recipe));
    }
}
