package org.alexnet.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StopSignalTest {

    @Test
    void aSignalServesOneTrainingAtATimeAndAStopStaysRequested() throws Exception {
        StopSignal signal = new StopSignal();
        assertFalse(signal.awaitFinished(0, TimeUnit.SECONDS));
        signal.begin();
        assertTrue(signal.isRunning());
        // Two trainings at once on one signal are refused.
        IllegalStateException e = assertThrows(IllegalStateException.class, signal::begin);
        assertEquals(
                "this StopSignal serves a training that is still running: give each concurrent fit() its own",
                e.getMessage());
        signal.finish();
        assertFalse(signal.isRunning());
        assertTrue(signal.awaitFinished(0, TimeUnit.SECONDS));

        // The next training (a study's next run) gets a fresh "finished" to wait for.
        signal.begin();
        assertFalse(signal.awaitFinished(0, TimeUnit.SECONDS), "waits for the running training, not the last one");
        signal.request();
        signal.finish();
        assertTrue(signal.awaitFinished(0, TimeUnit.SECONDS));
        // A stop stays requested: the run after it ends before its first batch.
        assertThrows(TrainingInterruptedException.class, signal::begin);
        assertFalse(signal.isRunning());
    }

    @Test
    void aStopRequestedBeforeTheStartEndsTheTrainingAtOnce() {
        StopSignal signal = new StopSignal();
        signal.request();
        assertThrows(TrainingInterruptedException.class, signal::begin);
        assertFalse(signal.isRunning());
    }
}
