package org.alexnet.cli;

import java.util.ArrayList;
import java.util.function.Function;
import org.alexnet.model.ActivationKind;
import org.alexnet.model.ModelSpec;
import org.alexnet.train.Recipe;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * How flag values are read and range-checked. A message starting with "must" is shown after the
 * flag's name ("--gpus must be at least 0, got -1"); others already name what is wrong.
 */
final class Values {

    private Values() {}

    static int wholeNumber(String v) {
        try {
            return Integer.parseInt(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new TypeConversionException("must be a whole number, got '" + v + "'");
        }
    }

    static long longNumber(String v) {
        try {
            return Long.parseLong(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new TypeConversionException("must be a whole number, got '" + v + "'");
        }
    }

    static float number(String v) {
        try {
            float f = Float.parseFloat(v);
            if (!Float.isNaN(f) && !Float.isInfinite(f)) {
                return f;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new TypeConversionException("must be a number, got '" + v + "'");
    }

    static int between(String v, int min, int max) {
        int n = wholeNumber(v);
        if (n < min || n > max) {
            throw new TypeConversionException("must be "
                    + (max == Integer.MAX_VALUE ? "at least " + min : "between " + min + " and " + max) + ", got " + n);
        }
        return n;
    }

    /** Whole numbers in [min, max]; the subclasses name the ranges flags use. */
    abstract static class Range implements ITypeConverter<Integer> {
        private final int min;
        private final int max;

        Range(int min, int max) {
            this.min = min;
            this.max = max;
        }

        @Override
        public Integer convert(String v) {
            return between(v, min, max);
        }
    }

    static final class AtLeast0 extends Range {
        AtLeast0() {
            super(0, Integer.MAX_VALUE);
        }
    }

    static final class AtLeast1 extends Range {
        AtLeast1() {
            super(1, Integer.MAX_VALUE);
        }
    }

    /** Native decoding threads: 0 (all cores) up to 4096. */
    static final class Threads extends Range {
        Threads() {
            super(0, 4096);
        }
    }

    /** Input side in pixels, up to the largest the memory estimate considers. */
    static final class Resolution extends Range {
        Resolution() {
            super(1, Runs.MAX_RESOLUTION);
        }
    }

    static final class Positive implements ITypeConverter<Float> {
        @Override
        public Float convert(String v) {
            float f = number(v);
            if (!(f > 0)) {
                throw new TypeConversionException("must be a positive number, got '" + v + "'");
            }
            return f;
        }
    }

    /** A parse method's IllegalArgumentException, which names the flag's choices, as a conversion error. */
    private static <T> T parsed(Function<String, T> parse, String v) {
        try {
            return parse.apply(v);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }

    static final class Model implements ITypeConverter<ModelSpec.Variant> {
        @Override
        public ModelSpec.Variant convert(String v) {
            return parsed(ModelSpec.Variant::parse, v);
        }
    }

    static final class ModelNames extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        ModelNames() {
            for (ModelSpec.Variant m : ModelSpec.Variant.values()) {
                add(m.id());
            }
        }
    }

    static final class Activation implements ITypeConverter<ActivationKind> {
        @Override
        public ActivationKind convert(String v) {
            return parsed(ActivationKind::parse, v);
        }
    }

    static final class ActivationNames extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        ActivationNames() {
            for (ActivationKind a : ActivationKind.values()) {
                add(HelpDefaults.format(a));
            }
        }
    }

    /** true for overlapping pooling (the paper's 3x3 windows, stride 2), false for non-overlapping. */
    static final class Pooling implements ITypeConverter<Boolean> {
        @Override
        public Boolean convert(String v) {
            if (!v.equals("overlapping") && !v.equals("non-overlapping")) {
                throw new TypeConversionException("--pooling must be overlapping or non-overlapping, got '" + v + "'");
            }
            return v.equals("overlapping");
        }
    }

    static final class Schedule implements ITypeConverter<Recipe.Schedule> {
        @Override
        public Recipe.Schedule convert(String v) {
            return parsed(Runs::schedule, v);
        }
    }

    static final class ScheduleNames extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        ScheduleNames() {
            for (var s : Recipe.Schedule.values()) {
                add(HelpDefaults.format(s));
            }
        }
    }

    static final class PresetNames extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        PresetNames() {
            super(Runs.presets().keySet());
        }
    }
}
