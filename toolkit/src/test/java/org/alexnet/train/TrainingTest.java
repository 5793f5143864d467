package org.alexnet.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.TrainingDivergedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.alexnet.data.FashionMnist;
import org.alexnet.model.ModelSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Real training runs on Fashion-MNIST subsets (each a minute or two of CPU). */
class TrainingTest {

    /**
     * The budget of the learning test: 5,000 training images at 72 px, batch 32, 3 epochs (about
     * 1.5 minutes on 2 cores). Chance is 0.10; the threshold is 0.75.
     */
    static Recipe learningBudget() {
        return Recipe.workshop().toBuilder()
                .resolution(72).trainSubset(5_000).testSubset(1_000).batchSize(32).epochs(3).build();
    }

    private static final ModelSpec D2L = ModelSpec.of(ModelSpec.Variant.ALEXNET_FASHION, FashionMnist.NUM_CLASSES, 1);

    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void alexNetLearnsFashionMnistWellAboveChance(String engine, @TempDir Path out) throws Exception {
        List<ProgressListener.BatchProgress> batches = new ArrayList<>();
        Recipe recipe = learningBudget();
        History h;
        try (Model model = FashionMnistTraining.newModel(D2L, engine)) {
            h = FashionMnistTraining.builder()
                    .setSpec(D2L)
                    .setRecipe(recipe)
                    .optOutputDir(out)
                    .addListener(new ProgressListener() {
                        @Override
                        public void onBatch(BatchProgress p) {
                            batches.add(p);
                        }
                    })
                    .build()
                    .fit(model);
        }
        EpochRecord last = h.last();
        System.out.printf("%s: %s%n", engine, h.toCsv().replace('\n', ' '));
        assertEquals(3, h.size());
        assertTrue(last.validationAccuracy() > 0.75, "test accuracy " + last.validationAccuracy());
        assertTrue(h.records().get(0).trainLoss() > last.trainLoss(), "loss went down");
        // 5,000 / 32 rounded up, per epoch, all reported.
        assertEquals(3 * 157, batches.size());
        assertTrue(Files.size(out.resolve(Checkpoint.LAST)) > 1_000_000);
        assertEquals(h.toCsv(), History.readCsv(out.resolve("history.csv")).toCsv());
    }

    @Test
    void divergingLossStopsWithAClearMessageAndKeepsTheSavedCheckpoint(@TempDir Path out) throws Exception {
        ModelSpec lenet = ModelSpec.of(ModelSpec.Variant.LENET, 10, 1);
        Recipe good = Recipe.smoke().toBuilder().resolution(28).epochs(1).build();
        try (Model model = FashionMnistTraining.newModel(lenet, "MXNet")) {
            FashionMnistTraining.builder().setSpec(lenet).setRecipe(good).optOutputDir(out).build().fit(model);
        }
        byte[] saved = Files.readAllBytes(out.resolve(Checkpoint.LAST));
        Recipe bad = good.toBuilder().learningRate(1e4f).build();
        try (Model model = FashionMnistTraining.newModel(lenet, "MXNet")) {
            var e = assertThrows(TrainingDivergedException.class, () ->
                    FashionMnistTraining.builder().setSpec(lenet).setRecipe(bad).optOutputDir(out).build().fit(model));
            assertTrue(e.getMessage().matches("training stopped: the loss (became NaN|exploded to .*) at epoch 1, batch \\d+.*lower --lr.*"),
                    e.getMessage());
        }
        assertArrayEquals(saved, Files.readAllBytes(out.resolve(Checkpoint.LAST)), "checkpoint untouched");
    }

    @Test
    void resumedRunMatchesAnUninterruptedOne(@TempDir Path dir) throws Exception {
        Recipe recipe = Recipe.smoke().toBuilder().epochs(3).build();
        Path straight = dir.resolve("straight");
        Path resumed = dir.resolve("resumed");
        History full;
        try (Model model = FashionMnistTraining.newModel(D2L, "MXNet")) {
            full = FashionMnistTraining.builder().setSpec(D2L).setRecipe(recipe).optOutputDir(straight).build().fit(model);
        }
        try (Model model = FashionMnistTraining.newModel(D2L, "MXNet")) {
            FashionMnistTraining.builder().setSpec(D2L).setRecipe(recipe.toBuilder().epochs(1).build())
                    .optOutputDir(resumed).build().fit(model);
        }
        List<String> messages = new ArrayList<>();
        History continued;
        try (Model model = FashionMnistTraining.newModel(D2L, "MXNet")) {
            continued = FashionMnistTraining.builder().setSpec(D2L).setRecipe(recipe).optOutputDir(resumed).optResume(true)
                    .addListener(new ProgressListener() {
                        @Override
                        public void onMessage(String m) {
                            messages.add(m);
                        }
                    })
                    .build().fit(model);
        }
        assertTrue(messages.get(0).contains("resumed from") && messages.get(0).contains("epoch 1"), messages.toString());
        assertEquals(3, continued.size());
        for (int i = 0; i < 3; i++) {
            EpochRecord a = full.records().get(i);
            EpochRecord b = continued.records().get(i);
            assertEquals(a.epoch(), b.epoch());
            // Same data order, dropout masks and momentum: the same numbers up to float noise.
            assertEquals(a.trainLoss(), b.trainLoss(), 1e-4, "train loss, epoch " + a.epoch());
            assertEquals(a.validationAccuracy(), b.validationAccuracy(), 0.005, "test accuracy, epoch " + a.epoch());
            assertEquals(a.learningRate(), b.learningRate(), 1e-9);
        }
    }
}
