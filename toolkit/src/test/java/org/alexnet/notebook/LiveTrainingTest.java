package org.alexnet.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.alexnet.plot.Plotly;
import org.alexnet.train.EpochRecord;
import org.alexnet.train.History;
import org.alexnet.train.ProgressListener.BatchProgress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LiveTrainingTest {

    @AfterEach
    void restore() {
        Display.useSink(null);
        Plotly.resetSession();
    }

    private static BatchProgress batch(int epoch, int b, int batches) {
        return new BatchProgress(epoch, 2, b, batches, 1.0 / b, 0.5, 120.0, 0.01, 42);
    }

    @Test
    void statusIsThrottledAndCurvesRedrawnAfterEachEpoch() {
        Plotly.resetSession();
        DisplayTest.RecordingSink sink = new DisplayTest.RecordingSink(Display.Kernel.RAPAIO);
        Display.useSink(sink);
        AtomicLong now = new AtomicLong();
        LiveTraining live = new LiveTraining(500, true, now::get);

        live.onStart(0, 2, "AlexNet on Fashion-MNIST");
        // status, library, curves placeholder
        assertEquals(3, sink.shown.size());
        assertTrue(sink.shown.get(0).contains("AlexNet on Fashion-MNIST"));
        assertTrue(sink.shown.get(1).contains("plotly.js v" + Plotly.version()));

        // 10 batches 100 ms apart: updates at 500 ms and at the last batch (1000 ms).
        for (int b = 1; b <= 10; b++) {
            now.addAndGet(100_000_000L);
            live.onBatch(batch(1, b, 10));
        }
        assertEquals(2, sink.updated.size(), "throttled to one update per 0.5 s (plus the last batch)");
        assertTrue(sink.updated.get(1).contains("batch 10/10"), sink.updated.get(1));
        assertTrue(sink.updated.get(1).contains("ETA 42s"));

        History h = new History();
        EpochRecord r = new EpochRecord(1, 0.8, 0.7, 0.75, Double.NaN, 120, 0.01, 9);
        h.add(r);
        live.onEpoch(r, h, false);
        // status with the epoch row, then the curves in place of the placeholder
        assertEquals(4, sink.updated.size());
        assertTrue(sink.updated.get(2).contains("0.7500"), "test accuracy in the epoch table");
        assertEquals("id-3", sink.updatedIds.get(3), "curves replace the placeholder");
        assertTrue(sink.updated.get(3).contains("Plotly.newPlot"));
        assertTrue(!sink.updated.get(3).contains("plotly.js v" + Plotly.version()), "updates stay small");

        live.onMessage("checkpoint written");
        live.onEnd(h);
        String last = sink.updated.get(sink.updated.size() - 1);
        assertTrue(last.contains("finished") && last.contains("checkpoint written"), last);
        assertTrue(sink.updatedIds.stream().filter("id-1"::equals).count() >= 4, "status updated in place");
    }

    @Test
    void withoutAKernelItPrintsLikeTheConsole() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            Display.useSink(new Display.TextSink(System.out));
            LiveTraining live = new LiveTraining();
            live.onStart(0, 1, "run");
            live.onBatch(new BatchProgress(1, 1, 1, 1, 0.5, 0.5, 10, 0.01, 0));
            History h = new History();
            EpochRecord r = new EpochRecord(1, 0.5, 0.5, 0.5, Double.NaN, 10, 0.01, 1);
            h.add(r);
            live.onEpoch(r, h, false);
            live.onEnd(h);
        } finally {
            System.setOut(old);
        }
        String text = printed.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("run"), text);
        assertTrue(text.contains("epoch 1: train loss 0.5000"), text);
        assertTrue(!text.contains("<div"), "no HTML on a console");
    }
}
