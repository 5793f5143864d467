package org.alexnet.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.TrainingDivergedException;
import ai.djl.metric.Metric;
import ai.djl.metric.Metrics;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.listener.EvaluatorTrainingListener;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListener.BatchData;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.loss.Loss;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.alexnet.data.EpochShuffleSampler;
import org.alexnet.data.FashionMnist;
import org.alexnet.model.ModelSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Real training runs on Fashion-MNIST subsets (each a minute or two of CPU). */
class TrainingTest {

    /**
     * The budget of the learning test: 5,000 training images at 72 px, batch 32, 4 epochs (about
     * 2.5 minutes per engine on 2 cores). Chance is 0.10; the threshold is 0.75 (3 epochs gave 0.817 on
     * MXNet but only 0.768-0.774 on PyTorch, too close to call).
     */
    static Recipe learningBudget() {
        return Preset.LEARNING_CHECK.recipe();
    }

    private static Training.Builder fashionMnist(Model model, ModelSpec spec) {
        return Training.builder().setModel(model, spec).setData(new FashionMnistData());
    }

    private static final ModelSpec D2L = ModelSpec.of(ModelSpec.Variant.ALEXNET_FASHION, FashionMnist.NUM_CLASSES, 1);

    /**
     * Trains through the command line in a JVM of its own per engine: with both engines' native
     * libraries loaded in one process (two OpenMP runtimes), PyTorch ran about 5x slower here.
     */
    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void alexNetLearnsFashionMnistWellAboveChance(String engine, @TempDir Path out) throws Exception {
        Recipe r = learningBudget();
        List<String> cmd = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "org.alexnet.cli.Main",
                "train",
                "--engine",
                engine,
                "--model",
                D2L.getVariant().id(),
                "--resolution",
                Integer.toString(r.getResolution()),
                "--subset",
                Integer.toString(r.getTrainSubset()),
                "--test-subset",
                Integer.toString(r.getTestSubset()),
                "--batch",
                Integer.toString(r.getBatchSize()),
                "--epochs",
                Integer.toString(r.getEpochs()),
                "--output",
                out.toString());
        Path log = out.resolve("train.log");
        Files.createDirectories(out);
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        // Only a hang guard: speed is measured by the benchmark (docs/benchmarks.md), never asserted here.
        assertTrue(p.waitFor(60, TimeUnit.MINUTES), "no exit after 60 minutes: hung? " + Files.readString(log));
        String output = Files.readString(log);
        assertEquals(0, p.exitValue(), output);
        History h = History.readCsv(out.resolve("history.csv"));
        EpochRecord last = h.last();
        System.out.printf("%s: %s%n", engine, h.toCsv().replace('\n', ' '));
        assertEquals(r.getEpochs(), h.size());
        assertTrue(last.validationAccuracy() > 0.75, "test accuracy " + last.validationAccuracy());
        assertTrue(h.records().get(0).trainLoss() > last.trainLoss(), "loss went down");
        // 5,000 / 32 rounded up = 157 batches per epoch, shown by the progress bar; the last line
        // reports the final accuracy.
        assertTrue(output.contains("epoch 4/4 [########################] 157/157"), output);
        assertTrue(
                output.contains(String.format(Locale.ROOT, "final test accuracy: %.4f", last.validationAccuracy())),
                output);
        assertTrue(output.contains("(" + engine), "ran on " + engine + ": " + output);
        assertTrue(Files.size(out.resolve(Checkpoint.LAST)) > 1_000_000);
        assertFalse(output.contains("WARN") || output.contains("Exception"), "quiet output: " + output);
    }

    @Test
    void divergingLossStopsWithAClearMessageAndKeepsTheSavedCheckpoint(@TempDir Path out) throws Exception {
        ModelSpec lenet = ModelSpec.of(ModelSpec.Variant.LENET, 10, 1);
        Recipe good = Preset.SMOKE.recipe().toBuilder().resolution(28).epochs(1).build();
        try (Model model = Training.newModel(lenet, "MXNet", null)) {
            fashionMnist(model, lenet).setRecipe(good).optOutputDir(out).build().fit();
        }
        byte[] saved = Files.readAllBytes(out.resolve(Checkpoint.LAST));
        Recipe bad = good.toBuilder().learningRate(1e4f).build();
        try (Model model = Training.newModel(lenet, "MXNet", null)) {
            var e = assertThrows(
                    TrainingDivergedException.class,
                    () -> fashionMnist(model, lenet)
                            .setRecipe(bad)
                            .optOutputDir(out)
                            .build()
                            .fit());
            assertTrue(
                    e.getMessage()
                            .matches(
                                    "training stopped: the loss (became NaN|exploded to .*) at epoch 1, batch \\d+.*lower --lr.*"),
                    e.getMessage());
        }
        assertArrayEquals(saved, Files.readAllBytes(out.resolve(Checkpoint.LAST)), "checkpoint untouched");
    }

    @Test
    void resumedWithAnotherBatchSizeIsRefusedButMoreEpochsContinue(@TempDir Path out) throws Exception {
        ModelSpec lenet = ModelSpec.of(ModelSpec.Variant.LENET, 10, 1);
        Recipe one = Preset.SMOKE.recipe().toBuilder().resolution(28).epochs(1).build();
        try (Model model = Training.newModel(lenet, "MXNet", null)) {
            fashionMnist(model, lenet).setRecipe(one).optOutputDir(out).build().fit();
        }
        byte[] saved = Files.readAllBytes(out.resolve(Checkpoint.LAST));
        Recipe otherBatch =
                one.toBuilder().batchSize(one.getBatchSize() / 2).epochs(2).build();
        try (Model model = Training.newModel(lenet, "MXNet", null)) {
            var e = assertThrows(
                    IllegalArgumentException.class,
                    () -> fashionMnist(model, lenet)
                            .setRecipe(otherBatch)
                            .optOutputDir(out)
                            .optResume(true)
                            .build()
                            .fit());
            assertEquals(
                    "cannot resume with batchSize " + otherBatch.getBatchSize() + ": the run has " + one.getBatchSize()
                            + " and only epochs, learningRate, patience, schedule may change; start a new run to change it",
                    e.getMessage());
        }
        var properties = lenet.toProperties();
        properties.setProperty("dropout", "0.25");
        ModelSpec other = ModelSpec.fromProperties(properties);
        try (Model model = Training.newModel(other, "MXNet", null)) {
            var e = assertThrows(
                    IllegalArgumentException.class,
                    () -> fashionMnist(model, other)
                            .setRecipe(one)
                            .optOutputDir(out)
                            .optResume(true)
                            .build()
                            .fit());
            assertTrue(e.getMessage().startsWith("cannot resume with dropout 0.25: the run has "), e.getMessage());
        }
        assertArrayEquals(saved, Files.readAllBytes(out.resolve(Checkpoint.LAST)), "checkpoint untouched");
        Recipe twoEpochs = one.toBuilder().epochs(2).build();
        History h;
        try (Model model = Training.newModel(lenet, "MXNet", null)) {
            h = fashionMnist(model, lenet)
                    .setRecipe(twoEpochs)
                    .optOutputDir(out)
                    .optResume(true)
                    .build()
                    .fit();
        }
        assertEquals(2, h.size());
        assertEquals(2, Checkpoint.readState(out.resolve(Checkpoint.LAST)).epoch());
    }

    @Test
    void resumedRunMatchesAnUninterruptedOne(@TempDir Path dir) throws Exception {
        Recipe recipe = Preset.SMOKE.recipe().toBuilder().epochs(3).build();
        Path straight = dir.resolve("straight");
        Path resumed = dir.resolve("resumed");
        History full;
        try (Model model = Training.newModel(D2L, "MXNet", null)) {
            full = fashionMnist(model, D2L)
                    .setRecipe(recipe)
                    .optOutputDir(straight)
                    .build()
                    .fit();
        }
        try (Model model = Training.newModel(D2L, "MXNet", null)) {
            fashionMnist(model, D2L)
                    .setRecipe(recipe.toBuilder().epochs(1).build())
                    .optOutputDir(resumed)
                    .build()
                    .fit();
        }
        List<String> messages = new ArrayList<>();
        History continued;
        try (Model model = Training.newModel(D2L, "MXNet", null)) {
            continued = fashionMnist(model, D2L)
                    .setRecipe(recipe)
                    .optOutputDir(resumed)
                    .optResume(true)
                    .addListener(new ProgressListener() {
                        @Override
                        public void onMessage(String m) {
                            messages.add(m);
                        }
                    })
                    .build()
                    .fit();
        }
        assertTrue(
                messages.get(0).contains("resumed from") && messages.get(0).contains("epoch 1"), messages.toString());
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

    @Test
    void stopInsideAnEpochResumesExactlyThere(@TempDir Path dir) throws Exception {
        Recipe recipe =
                Preset.SMOKE.recipe().toBuilder().epochs(2).batchSize(50).build();
        Path straight = dir.resolve("straight");
        Path stopped = dir.resolve("stopped");
        History full;
        try (Model model = Training.newModel(D2L, "MXNet", null)) {
            full = fashionMnist(model, D2L)
                    .setRecipe(recipe)
                    .optOutputDir(straight)
                    .build()
                    .fit();
        }
        // Stop in epoch 2 after batch 4 of 10, as Ctrl-C would.
        StopSignal signal = new StopSignal();
        TrainingInterruptedException e;
        try (Model model = Training.newModel(D2L, "MXNet", null)) {
            e = assertThrows(
                    TrainingInterruptedException.class,
                    () -> fashionMnist(model, D2L)
                            .setRecipe(recipe)
                            .optOutputDir(stopped)
                            .optStopSignal(signal)
                            .addListener(new ProgressListener() {
                                @Override
                                public void onBatch(BatchProgress p) {
                                    if (p.epoch() == 2 && p.batch() == 4) {
                                        signal.request();
                                    }
                                }
                            })
                            .build()
                            .fit());
        }
        assertTrue(signal.awaitFinished(1, TimeUnit.SECONDS));
        assertTrue(e.getMessage().contains("epoch 2, batch 4") && e.getMessage().contains("--resume"), e.getMessage());
        RunState saved = Checkpoint.readState(stopped.resolve(Checkpoint.LAST));
        assertEquals(1, saved.epoch());
        assertEquals(4, saved.partial().batches());
        assertEquals(2, saved.partial().epoch());
        assertEquals(200, saved.partial().seen());
        assertEquals(recipe, saved.recipe());
        assertEquals(D2L.toProperties(), saved.spec().toProperties());
        assertEquals(FashionMnistData.NAME, saved.datasetName());
        assertEquals(1, saved.history().size());
        List<String> messages = new ArrayList<>();
        History continued;
        try (Model model = Training.newModel(D2L, "MXNet", null)) {
            continued = fashionMnist(model, D2L)
                    .setRecipe(recipe)
                    .optOutputDir(stopped)
                    .optResume(true)
                    .addListener(new ProgressListener() {
                        @Override
                        public void onMessage(String m) {
                            messages.add(m);
                        }
                    })
                    .build()
                    .fit();
        }
        assertTrue(messages.get(0).contains("epoch 2, batch 4"), messages.toString());
        assertEquals(2, continued.size());
        for (int i = 0; i < 2; i++) {
            EpochRecord a = full.records().get(i);
            EpochRecord b = continued.records().get(i);
            assertEquals(a.trainLoss(), b.trainLoss(), 1e-4, "train loss, epoch " + a.epoch());
            assertEquals(a.trainAccuracy(), b.trainAccuracy(), 1e-9, "train accuracy, epoch " + a.epoch());
            assertEquals(a.validationAccuracy(), b.validationAccuracy(), 0.005, "test accuracy, epoch " + a.epoch());
        }
    }

    /** Counts what a DJL listener is told and checks its BatchData against the run's own numbers. */
    private static final class CountingListener extends TrainingListenerAdapter {
        int begins;
        int ends;
        int epochs;
        int trainingBatches;
        int validationBatches;
        long trainingLabels;
        long trainingCorrect;
        long validationLabels;
        long validationCorrect;
        final List<Shape> predictionShapes = new ArrayList<>();

        @Override
        public void onTrainingBegin(Trainer trainer) {
            begins++;
        }

        @Override
        public void onTrainingEnd(Trainer trainer) {
            ends++;
        }

        @Override
        public void onEpoch(Trainer trainer) {
            epochs++;
        }

        @Override
        public void onTrainingBatch(Trainer trainer, BatchData data) {
            trainingBatches++;
            for (Device d : data.getLabels().keySet()) {
                NDArray labels = data.getLabels().get(d).head();
                NDArray predictions = data.getPredictions().get(d).head();
                predictionShapes.add(predictions.getShape());
                trainingLabels += labels.size();
                trainingCorrect += correct(predictions, labels);
            }
        }

        @Override
        public void onValidationBatch(Trainer trainer, BatchData data) {
            validationBatches++;
            for (Device d : data.getLabels().keySet()) {
                NDArray labels = data.getLabels().get(d).head();
                validationLabels += labels.size();
                validationCorrect += correct(data.getPredictions().get(d).head(), labels);
            }
        }

        private static long correct(NDArray predictions, NDArray labels) {
            float[] y = labels.toType(DataType.FLOAT32, false).toFloatArray();
            long[] guess = predictions.argMax(1).toType(DataType.INT64, false).toLongArray();
            long n = 0;
            for (int i = 0; i < y.length; i++) {
                n += guess[i] == (long) y[i] ? 1 : 0;
            }
            return n;
        }
    }

    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void djlListenersGetEveryBatchWithItsLabelsAndPredictions(String engine, @TempDir Path out) throws Exception {
        ModelSpec lenet = ModelSpec.of(ModelSpec.Variant.LENET, 10, 1);
        // 500 training images in batches of 64 (8 batches, the last of 52), 250 test images (4 batches).
        Recipe recipe =
                Preset.SMOKE.recipe().toBuilder().resolution(28).epochs(2).build();
        CountingListener counts = new CountingListener();
        History h;
        try (Model model = Training.newModel(lenet, engine, null)) {
            h = fashionMnist(model, lenet)
                    .setRecipe(recipe)
                    .optOutputDir(out)
                    .addTrainingListener(counts)
                    .build()
                    .fit();
        }
        assertEquals(1, counts.begins);
        assertEquals(1, counts.ends);
        assertEquals(2, counts.epochs);
        assertEquals(2 * 8, counts.trainingBatches);
        assertEquals(2 * 500, counts.trainingLabels);
        assertEquals(2 * 4, counts.validationBatches);
        assertEquals(2 * 250, counts.validationLabels);
        assertEquals(new Shape(64, 10), counts.predictionShapes.get(0));
        assertEquals(new Shape(52, 10), counts.predictionShapes.get(7));
        // The listener's own count of correct predictions is the run's accuracy, both in training
        // (predictions before each step) and in validation.
        long trainCorrect = Math.round(h.records().get(0).trainAccuracy() * 500)
                + Math.round(h.records().get(1).trainAccuracy() * 500);
        long testCorrect = Math.round(h.records().get(0).validationAccuracy() * 250)
                + Math.round(h.records().get(1).validationAccuracy() * 250);
        assertEquals(trainCorrect, counts.trainingCorrect);
        assertEquals(testCorrect, counts.validationCorrect);
    }

    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void djlDefaultListenersRecordTheRunsLossAndAccuracyInMetrics(String engine, @TempDir Path out) throws Exception {
        ModelSpec lenet = ModelSpec.of(ModelSpec.Variant.LENET, 10, 1);
        // 500 training images in 10 equal batches: DJL's loss evaluator averages batch means, History
        // weighs every image the same, and the two agree only when the batches are equal.
        Recipe recipe = Preset.SMOKE.recipe().toBuilder()
                .resolution(28)
                .epochs(2)
                .batchSize(50)
                .build();
        Metrics metrics = new Metrics();
        History h;
        try (Model model = Training.newModel(lenet, engine, null)) {
            Training.Builder b = fashionMnist(model, lenet).setRecipe(recipe).optMetrics(metrics);
            for (TrainingListener l : TrainingListener.Defaults.basic()) {
                b.addTrainingListener(l);
            }
            h = b.build().fit();
        }
        List<Metric> loss = metrics.getMetric(EvaluatorTrainingListener.metricName(
                Loss.softmaxCrossEntropyLoss(), EvaluatorTrainingListener.TRAIN_EPOCH));
        List<Metric> accuracy = metrics.getMetric(
                EvaluatorTrainingListener.metricName(new Accuracy(), EvaluatorTrainingListener.TRAIN_EPOCH));
        List<Metric> validation = metrics.getMetric(
                EvaluatorTrainingListener.metricName(new Accuracy(), EvaluatorTrainingListener.VALIDATE_EPOCH));
        assertEquals(2, loss.size());
        assertEquals(2, accuracy.size());
        assertEquals(2, validation.size());
        for (int i = 0; i < 2; i++) {
            EpochRecord r = h.records().get(i);
            assertEquals(
                    r.trainLoss(),
                    loss.get(i).getValue().doubleValue(),
                    1e-6 * r.trainLoss(),
                    "train loss, epoch " + r.epoch());
            assertEquals(
                    r.trainAccuracy(),
                    accuracy.get(i).getValue().doubleValue(),
                    1e-6,
                    "train accuracy, epoch " + r.epoch());
            assertEquals(
                    r.validationAccuracy(),
                    validation.get(i).getValue().doubleValue(),
                    1e-6,
                    "test accuracy, epoch " + r.epoch());
        }
        // Batch values too (DivergenceCheckTrainingListener reads them): one per batch.
        assertEquals(
                2 * 10,
                metrics.getMetric(EvaluatorTrainingListener.metricName(
                                new Accuracy(), EvaluatorTrainingListener.TRAIN_ALL))
                        .size());
    }

    @Test
    void aRunThatFailsAfterStartingStillEnds(@TempDir Path out) throws Exception {
        ModelSpec lenet = ModelSpec.of(ModelSpec.Variant.LENET, 10, 1);
        TrainingData broken = new TrainingData() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public Dataset trainingSet(Recipe recipe, EpochShuffleSampler sampler) throws IOException {
                throw new IOException("no images here");
            }

            @Override
            public Dataset validationSet(Recipe recipe) {
                throw new AssertionError("not reached");
            }
        };
        List<String> events = new ArrayList<>();
        try (Model model = Training.newModel(lenet, "MXNet", null)) {
            var e = assertThrows(
                    IOException.class,
                    () -> Training.builder()
                            .setModel(model, lenet)
                            .setData(broken)
                            .setRecipe(Preset.SMOKE.recipe().toBuilder()
                                    .resolution(28)
                                    .build())
                            .optOutputDir(out)
                            .addListener(new ProgressListener() {
                                @Override
                                public void onStart(int startEpoch, int epochs, String description) {
                                    events.add("start");
                                }

                                @Override
                                public void onEnd(History history) {
                                    events.add("end " + history.size());
                                }
                            })
                            .build()
                            .fit());
            assertEquals("no images here", e.getMessage());
        }
        assertEquals(List.of("start", "end 0"), events);
    }
}
