package org.alexnet.train;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A request, from any thread, that a running training stops after the current batch and saves a
 * checkpoint that resumes exactly there (see {@link Training.Builder#optStopSignal}).
 */
public final class StopSignal {

    private volatile boolean requested;
    private final CountDownLatch finished = new CountDownLatch(1);

    /**
     * A signal raised by Ctrl-C (SIGINT) or a plain {@code kill} (SIGTERM): the JVM's shutdown waits,
     * up to {@code maxWaitSeconds}, until the training has saved its checkpoint and returned.
     */
    public static StopSignal onInterrupt(long maxWaitSeconds) {
        StopSignal signal = new StopSignal();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            signal.request();
            try {
                signal.awaitFinished(maxWaitSeconds, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "alexnet-stop-on-interrupt"));
        return signal;
    }

    /** Asks the training to stop after the current batch. */
    public void request() {
        requested = true;
    }

    public boolean isRequested() {
        return requested;
    }

    /** Called by the training when it has returned or thrown. */
    void finish() {
        finished.countDown();
    }

    /** Whether the training finished within the timeout. */
    public boolean awaitFinished(long timeout, TimeUnit unit) throws InterruptedException {
        return finished.await(timeout, unit);
    }
}
