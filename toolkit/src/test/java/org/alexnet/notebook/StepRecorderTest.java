package org.alexnet.notebook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.alexnet.train.ProgressListener.BatchProgress;
import org.junit.jupiter.api.Test;

class StepRecorderTest {

    /** Feeds the running averages a training loop would report for these per-batch correct counts. */
    private static StepRecorder feed(int batchSize, int examples, int[][] correctPerEpoch) {
        StepRecorder r = new StepRecorder(batchSize, examples);
        int batches = (examples + batchSize - 1) / batchSize;
        for (int e = 0; e < correctPerEpoch.length; e++) {
            int correct = 0;
            int seen = 0;
            for (int b = 0; b < batches; b++) {
                int size = Math.min(batchSize, examples - seen);
                correct += correctPerEpoch[e][b];
                seen += size;
                r.onBatch(new BatchProgress(
                        e + 1, correctPerEpoch.length, b + 1, batches, 1.0, (double) correct / seen, 100, 0.01, 1));
            }
        }
        return r;
    }

    @Test
    void recoversEachBatchsErrorFromRunningAverages() {
        // 10 examples in batches of 4: sizes 4, 4, 2.
        StepRecorder r = feed(4, 10, new int[][] {{1, 2, 1}, {3, 4, 2}});
        assertArrayEquals(new double[] {0.75, 0.5, 0.5, 0.25, 0.0, 0.0}, r.errors(), 1e-12);
        assertArrayEquals(new double[] {1 / 3.0, 2 / 3.0, 1.0, 4 / 3.0, 5 / 3.0, 2.0}, r.epochs(), 1e-12);
        // Window 2, weighted by batch size: batch 3 = (2 wrong + 1 wrong) / (4 + 2).
        double[] smooth = r.smoothedErrors(2);
        assertEquals(0.75, smooth[0], 1e-12);
        assertEquals((3 + 2) / 8.0, smooth[1], 1e-12);
        assertEquals((2 + 1) / 6.0, smooth[2], 1e-12);
        assertEquals((1 + 1) / 6.0, smooth[3], 1e-12);
        assertEquals(0.0, smooth[5], 1e-12);
    }

    @Test
    void firstStepBelowCountsOnlyFullWindows() {
        StepRecorder r = feed(4, 10, new int[][] {{4, 0, 1}, {3, 4, 2}});
        // Errors: 0, 1, 0.5, 0.25, 0, 0. A window of 1 is below 0.1 at batch 1; window 2 first at batch 6.
        assertEquals(1, r.firstStepBelow(0.1, 1));
        assertEquals(6, r.firstStepBelow(0.1, 2));
        assertEquals(-1, r.firstStepBelow(0.0, 1));
        assertEquals(6, r.size());
    }
}
