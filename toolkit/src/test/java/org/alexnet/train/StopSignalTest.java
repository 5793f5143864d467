package org.alexnet.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StopSignalTest {

    @Test
    void aSignalServesOneTrainingAndSaysSoWhenReused() throws Exception {
        StopSignal signal = new StopSignal();
        assertFalse(signal.awaitFinished(0, TimeUnit.SECONDS));
        signal.begin();
        assertTrue(signal.isRunning());
        signal.request();
        signal.finish();
        assertFalse(signal.isRunning());
        assertTrue(signal.awaitFinished(0, TimeUnit.SECONDS));
        // Its request and its "finished" belong to that training: a second one would stop at once.
        IllegalStateException e = assertThrows(IllegalStateException.class, signal::begin);
        assertEquals("this StopSignal already served a training: give each fit() a new one", e.getMessage());
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
