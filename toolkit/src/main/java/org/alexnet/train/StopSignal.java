package org.alexnet.train;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A request, from any thread, that a running training stops after the current batch and saves a
 * checkpoint that resumes exactly there (see {@link Training.Builder#optStopSignal}). One signal
 * serves one training at a time, so a study's runs can share the command's Ctrl-C: a stop once
 * requested stays requested, and the next training then ends before its first batch.
 */
public final class StopSignal implements AutoCloseable {

    private volatile boolean requested;
    private volatile boolean running;
    // One latch per training; replaced by begin() before running is set, so the hook waits for the
    // training it saw running.
    private volatile CountDownLatch finished = new CountDownLatch(1);
    private Thread hook;

    /**
     * A signal raised by Ctrl-C (SIGINT) or a plain {@code kill} (SIGTERM). While a training is running
     * the JVM's shutdown waits, up to {@code maxWaitSeconds}, until it has saved its checkpoint and
     * returned; before the training starts or after it ended, nothing is waited for, so an error or a
     * Ctrl-C outside training ends the process at once. {@link #close()} removes the hook.
     */
    public static StopSignal onInterrupt(long maxWaitSeconds) {
        StopSignal signal = new StopSignal();
        signal.hook = new Thread(
                () -> {
                    signal.request();
                    // Read after request(): begin() sets running before it reads requested, so one of the two
                    // sides always sees the other.
                    if (signal.running) {
                        try {
                            signal.awaitFinished(maxWaitSeconds, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                },
                "alexnet-stop-on-interrupt");
        Runtime.getRuntime().addShutdownHook(signal.hook);
        return signal;
    }

    /** Asks the training to stop after the current batch. */
    public void request() {
        requested = true;
    }

    public boolean isRequested() {
        return requested;
    }

    /** Whether a training is between its start and its end (the only time a stop is waited for). */
    public boolean isRunning() {
        return running;
    }

    /**
     * Called by the training before its first batch.
     *
     * @throws TrainingInterruptedException when the stop was requested before the training began
     * @throws IllegalStateException when the signal serves another training that is still running
     */
    synchronized void begin() {
        if (running) {
            throw new IllegalStateException(
                    "this StopSignal serves a training that is still running: give each concurrent fit() its own");
        }
        finished = new CountDownLatch(1);
        running = true;
        if (requested) {
            finish();
            throw new TrainingInterruptedException("stopped before training began: nothing was saved");
        }
    }

    /** Called by the training when it has returned or thrown. */
    synchronized void finish() {
        running = false;
        finished.countDown();
    }

    /** Whether the training finished within the timeout. */
    public boolean awaitFinished(long timeout, TimeUnit unit) throws InterruptedException {
        return finished.await(timeout, unit);
    }

    /** Removes the shutdown hook of {@link #onInterrupt} (a no-op once the JVM is shutting down). */
    @Override
    public void close() {
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // Shutdown has begun: the hook is running or done.
            }
            hook = null;
        }
    }
}
