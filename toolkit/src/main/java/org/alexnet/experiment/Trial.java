package org.alexnet.experiment;

import java.nio.file.Path;

/**
 * Trains and tests one run of an experiment. An implementation continues from the checkpoint in
 * {@code folder} when there is one (an interrupted run), and starts afresh otherwise.
 *
 * @param <S> what a run is set up from
 */
@FunctionalInterface
public interface Trial<S> {

    /** What one run measured: test errors as fractions, and its training time. */
    record Outcome(double top1Error, double top5Error, int epochs, double seconds) {}

    Outcome run(S setup, long seed, Path folder) throws Exception;
}
