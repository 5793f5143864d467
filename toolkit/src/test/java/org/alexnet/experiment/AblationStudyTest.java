package org.alexnet.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.alexnet.data.FashionMnist;
import org.alexnet.eval.Evaluation;
import org.alexnet.train.Checkpoint;
import org.alexnet.train.FashionMnistData;
import org.alexnet.train.Preset;
import org.alexnet.train.ProgressListener;
import org.alexnet.train.Recipe;
import org.alexnet.train.RunState;
import org.alexnet.train.StopSignal;
import org.alexnet.train.Training;
import org.alexnet.train.TrainingInterruptedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A smoke-size study end to end: interrupted, continued, skipped, and its numbers checked against the checkpoints. */
class AblationStudyTest {

    private static final String ENGINE = "MXNet";
    private static final List<Long> SEEDS = List.of(1L, 2L);
    private static final Ablations.Setup BASE = Ablations.fashionMnistBaseline(Preset.ABLATION_SMOKE.recipe());
    private static final List<Arm<Ablations.Setup>> ARMS = Ablations.arms(List.of("no-dropout", Ablations.CENTRE_TEST));

    private static AblationTrial trial(StopSignal stop, List<ProgressListener> listeners) {
        return new AblationTrial(
                AblationTrial.fashionMnist(null), ENGINE, new Device[] {Device.cpu()}, () -> listeners, stop);
    }

    @Test
    void interruptedStudyContinuesSkipsWhatIsDoneAndReportsWhatTheCheckpointsGive(@TempDir Path dir) throws Exception {
        // 1. Stopped in the third batch of the first run, as Ctrl-C would.
        StopSignal stop = new StopSignal();
        ProgressListener stopper = new ProgressListener() {
            @Override
            public void onBatch(BatchProgress p) {
                if (p.batch() == 2) {
                    stop.request();
                }
            }
        };
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
        assertThrows(
                TrainingInterruptedException.class,
                () -> new AblationStudy(BASE, ARMS, SEEDS, dir, trial(stop, List.of(stopper)), false, "test").run(out));
        Path first = dir.resolve("baseline/seed-1");
        RunState partial = Checkpoint.readState(Training.lastCheckpoint(first));
        assertNotNull(partial.partial());
        assertEquals(2, partial.partial().batches());
        assertFalse(Files.exists(dir.resolve(Experiment.RESULTS)));

        // 2. The same study again: the first run continues from its checkpoint, the rest run.
        log.reset();
        AblationStudy.Outcome done =
                new AblationStudy(BASE, ARMS, SEEDS, dir, trial(null, List.of()), false, "test").run(out);
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("run 1/6: baseline, seed 1 (continuing)"), text);
        assertEquals(6, done.results().size());
        assertTrue(Files.exists(dir.resolve(AblationStudy.SUMMARY_CSV)));
        assertTrue(Files.readString(dir.resolve(AblationStudy.SUMMARY_TXT)).contains("no-dropout"));
        // centre-test trained nothing of its own: it tested the baseline's networks.
        assertFalse(Files.exists(dir.resolve("centre-test")));
        RunState finished = Checkpoint.readState(Training.lastCheckpoint(first));
        assertTrue(finished.finished());
        assertTrue(finished.augmented());

        // 3. Every CSV value is what testing that run's checkpoint gives.
        for (Experiment.Result r : Experiment.read(dir.resolve(Experiment.RESULTS))) {
            Arm<Ablations.Setup> arm = ARMS.stream()
                    .filter(a -> a.name().equals(r.arm()))
                    .findFirst()
                    .orElseThrow();
            Ablations.Setup setup = arm.change().apply(BASE);
            Path folder =
                    AblationTrial.trainingFolder(setup, dir.resolve(r.arm()).resolve("seed-" + r.seed()));
            try (Checkpoint.Loaded loaded = Checkpoint.loadModel(folder, ENGINE, Device.cpu())) {
                Recipe recipe = AblationTrial.testRecipe(loaded.state().recipe());
                var test = FashionMnistData.of(loaded.state(), null).testSet(recipe, setup.tenPatch());
                assertEquals(setup.tenPatch() ? FashionMnist.Crops.TEN : FashionMnist.Crops.CENTRE, test.getCrops());
                ParameterStore ps = new ParameterStore(loaded.model().getNDManager(), false);
                Evaluation e = Evaluation.run(
                        x -> loaded.model().getBlock().forward(ps, x, false),
                        test,
                        loaded.model().getNDManager(),
                        10);
                assertEquals(1 - e.getTop1(), r.top1Error(), 1e-12, r.arm() + " seed " + r.seed());
                assertEquals(1 - e.getTop5(), r.top5Error(), 1e-12);
                assertEquals(1, r.epochs());
            }
        }

        // 4. Once more, with the ensemble: nothing is trained again.
        FileTime before = Files.getLastModifiedTime(Training.lastCheckpoint(first));
        log.reset();
        AblationStudy.Outcome again =
                new AblationStudy(BASE, ARMS, SEEDS, dir, trial(null, List.of()), true, "test").run(out);
        text = log.toString(StandardCharsets.UTF_8);
        assertEquals(6, text.lines().filter(l -> l.endsWith("already done")).count(), text);
        assertEquals(done.results(), again.results());
        assertEquals(before, Files.getLastModifiedTime(Training.lastCheckpoint(first)));

        // The ensemble's error by hand: each network's ten-patch softmax, averaged over networks and patches.
        double expected = ensembleErrorByHand(dir);
        assertEquals(expected, again.ensemble().top1Error(), 1e-9);
        assertTrue(again.text().contains("ensemble of the baseline's 2 networks"), again.text());
    }

    private static double ensembleErrorByHand(Path dir) throws Exception {
        List<float[]> scores = new ArrayList<>();
        FashionMnist test = null;
        for (long seed : SEEDS) {
            try (Checkpoint.Loaded m =
                    Checkpoint.loadModel(dir.resolve("baseline/seed-" + seed), ENGINE, Device.cpu())) {
                test = FashionMnistData.of(m.state(), null)
                        .testSet(AblationTrial.testRecipe(m.state().recipe()), true);
                long[] idx = new long[(int) test.size()];
                for (int i = 0; i < idx.length; i++) {
                    idx[i] = i;
                }
                NDManager manager = m.model().getNDManager().newSubManager();
                try (manager) {
                    ParameterStore ps = new ParameterStore(manager, false);
                    scores.add(m.model()
                            .getBlock()
                            .forward(ps, new NDList(test.getImages(manager, idx)), false)
                            .head()
                            .toFloatArray());
                }
            }
        }
        int images = (int) test.size();
        long wrong = 0;
        for (int i = 0; i < images; i++) {
            double[] mean = new double[10];
            for (float[] s : scores) {
                for (int r = 0; r < 10; r++) {
                    int off = (i * 10 + r) * 10;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int c = 0; c < 10; c++) {
                        max = Math.max(max, s[off + c]);
                    }
                    double sum = 0;
                    for (int c = 0; c < 10; c++) {
                        sum += Math.exp(s[off + c] - max);
                    }
                    for (int c = 0; c < 10; c++) {
                        mean[c] += Math.exp(s[off + c] - max) / sum;
                    }
                }
            }
            int best = 0;
            for (int c = 1; c < 10; c++) {
                best = mean[c] > mean[best] ? c : best;
            }
            wrong += best == test.getLabel(i) ? 0 : 1;
        }
        return (double) wrong / images;
    }
}
