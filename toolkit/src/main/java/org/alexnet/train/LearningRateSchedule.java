package org.alexnet.train;

import ai.djl.training.tracker.Tracker;

/**
 * The learning rate of a {@link Recipe}, as a DJL {@link Tracker} whose value changes at epoch ends.
 *
 * <p>DJL has no reduce-on-plateau tracker, and its trackers count updates, not epochs; the paper's
 * rule needs the validation accuracy, so {@link Training} reports each epoch through
 * {@link #endEpoch(int, double)}. The state is small and goes into checkpoints, so a resumed run
 * continues with the same rate, best value and patience counter.
 */
public final class LearningRateSchedule implements Tracker {

    private final Recipe recipe;
    private volatile float current;
    private double best = Double.NEGATIVE_INFINITY;
    private int epochsSinceBest;
    private int drops;

    public LearningRateSchedule(Recipe recipe) {
        this.recipe = recipe;
        this.current = recipe.getLearningRate();
    }

    @Override
    public float getNewValue(int numUpdate) {
        return current;
    }

    /** The learning rate used now. */
    public float current() {
        return current;
    }

    /** Replaces the current rate (a new --lr on resume); drops continue from it. */
    void setCurrent(float rate) {
        current = rate;
    }

    /** How many times the rate has been divided so far. */
    public int drops() {
        return drops;
    }

    /**
     * Records the end of {@code epoch} (1-based) with its validation accuracy; returns true when the
     * learning rate was divided.
     */
    public boolean endEpoch(int epoch, double validationAccuracy) {
        switch (recipe.getSchedule()) {
            case PLATEAU:
                if (validationAccuracy > best) {
                    best = validationAccuracy;
                    epochsSinceBest = 0;
                    return false;
                }
                epochsSinceBest++;
                if (epochsSinceBest >= recipe.getPatience() && drops < recipe.getMaxLrDrops()) {
                    divide();
                    epochsSinceBest = 0;
                    return true;
                }
                return false;
            case STEP:
                if (epoch % recipe.getStepEpochs() == 0) {
                    divide();
                    return true;
                }
                return false;
            default:
                return false;
        }
    }

    private void divide() {
        current /= recipe.getLrDivisor();
        drops++;
    }

    /** What a checkpoint keeps of the schedule to continue it exactly. */
    public record State(float current, double best, int epochsSinceBest, int drops) {}

    public State state() {
        return new State(current, best, epochsSinceBest, drops);
    }

    /** Continues from {@code state} (of the same recipe's schedule). */
    public void restore(State state) {
        current = state.current();
        best = state.best();
        epochsSinceBest = state.epochsSinceBest();
        drops = state.drops();
    }
}
