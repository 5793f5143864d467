package org.alexnet.experiment;

import java.util.function.UnaryOperator;

/**
 * One arm of an experiment: a named change to the baseline's setup, with the paper's claim about it
 * (shown next to the measured effect).
 *
 * @param <S> what one run is set up from (model options, recipe, test-time mode)
 */
public record Arm<S>(String name, String claim, UnaryOperator<S> change) {

    public Arm {
        if (!name.matches("[a-z0-9][a-z0-9-]*")) {
            throw new IllegalArgumentException("arm names are lower-case words joined by '-', got '" + name + "'");
        }
    }

    /** The baseline arm: the setup unchanged. */
    public static <S> Arm<S> baseline(String claim) {
        return new Arm<>("baseline", claim, UnaryOperator.identity());
    }
}
