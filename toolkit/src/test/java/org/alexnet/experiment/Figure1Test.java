package org.alexnet.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.alexnet.train.Preset;
import org.alexnet.train.StopSignal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Figure1Test {

    @Test
    void windowErrorReachesEachLevelOnceAndStopsAtTheLast() {
        StopSignal stop = new StopSignal();
        ThresholdListener t = new ThresholdListener(new double[] {0.25, 0.10}, 100, 10, stop);
        t.add(40, 50);
        assertTrue(Double.isNaN(t.reached()[0]));
        t.add(30, 50); // window full: 70/100
        assertEquals(0.70, t.windowError(), 1e-12);
        t.add(10, 50); // 40/100
        t.add(5, 50); // 15/100 <= 25% at batch 4 of 10
        assertEquals(0.4, t.reached()[0], 1e-12);
        assertFalse(stop.isRequested());
        t.add(4, 50); // 9/100 <= 10% at batch 5
        assertEquals(0.5, t.reached()[1], 1e-12);
        assertTrue(stop.isRequested());
        t.add(50, 50);
        assertEquals(0.4, t.reached()[0], 1e-12); // the first time counts
    }

    @Test
    void ratioTakesEachActivationsFastestLearningRate() {
        List<Figure1.Row> rows = List.of(
                new Figure1.Row("relu", 0.01f, 1, 0.25, 1.0, 1, 1),
                new Figure1.Row("relu", 0.1f, 1, 0.25, 0.5, 1, 1),
                new Figure1.Row("tanh", 0.01f, 1, 0.25, 3.0, 3, 1),
                new Figure1.Row("tanh", 0.1f, 1, 0.25, Double.NaN, 1, 1),
                new Figure1.Row("relu", 0.01f, 2, 0.25, 1.0, 1, 1),
                new Figure1.Row("tanh", 0.01f, 2, 0.25, 4.0, 4, 1));
        Figure1.Ratio r =
                Figure1.ratios(rows, List.of(1L, 2L), new double[] {0.25}).get(0);
        assertEquals(List.of(6.0, 4.0), r.ratios());
        assertEquals(5.0, r.mean(), 1e-12);
        assertEquals(Math.sqrt(2), r.sd(), 1e-12);
        assertEquals("relu 0.1, tanh 0.01", r.bestLrs().get(0));
        assertTrue(Figure1.summary(List.of(r)).contains("25% training error: ratio 5.00 ± 1.41"));
    }

    @Test
    void tinyStudyRunsStopsAtTheLastLevelAndSkipsOnRerun(@TempDir Path dir) throws Exception {
        double[] levels = {0.6, 0.4};
        Figure1 f = new Figure1(
                Preset.FIGURE1_SMOKE.recipe(),
                List.of(0.05f),
                List.of(1L),
                levels,
                200,
                dir,
                null,
                "MXNet",
                Device.cpu(),
                List::of);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        List<Figure1.Ratio> ratios = f.run(new PrintStream(log, true, StandardCharsets.UTF_8));
        List<Figure1.Row> rows = Figure1.read(dir.resolve(Figure1.RESULTS));
        assertEquals(4, rows.size()); // 2 activations x 1 lr x 2 levels
        Figure1.Row relu = rows.stream()
                .filter(r -> r.activation().equals("relu") && r.level() == 0.4)
                .findFirst()
                .orElseThrow();
        assertFalse(Double.isNaN(relu.epochs()), log.toString(StandardCharsets.UTF_8));
        // The run stopped when it reached the last level, inside the 2-epoch budget.
        assertEquals(relu.epochs(), relu.epochsTrained(), 1e-12);
        assertTrue(relu.epochs() < 2);
        Figure1.Row tanh = rows.stream()
                .filter(r -> r.activation().equals("tanh") && r.level() == 0.4)
                .findFirst()
                .orElseThrow();
        double expected = tanh.epochs() / relu.epochs();
        assertEquals(expected, ratios.get(1).ratios().get(0), 1e-12);

        log.reset();
        f.run(new PrintStream(log, true, StandardCharsets.UTF_8));
        assertEquals(
                2,
                log.toString(StandardCharsets.UTF_8)
                        .lines()
                        .filter(l -> l.endsWith("already done"))
                        .count());
        assertEquals(rows, Figure1.read(dir.resolve(Figure1.RESULTS)));
    }
}
