package org.alexnet.train;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Locale;
import java.util.Properties;

/**
 * A training recipe: the optimiser, the learning-rate schedule, the epoch budget and the input
 * resolution, as an immutable value checked when it is made. The named recipes live in {@link Preset};
 * {@link #paper()} holds the numbers of Krizhevsky et al. (2012), section 5, and every other preset
 * starts from it and says what it changes.
 *
 * <p>The record components are the only list of the fields: the properties stored in checkpoints,
 * the builder's copy and equality are all derived from them.
 *
 * @param epochs epochs to train
 * @param batchSize images per step (over all devices)
 * @param learningRate the initial learning rate
 * @param momentum SGD momentum, in [0, 1)
 * @param weightDecay L2 weight decay, at least 0
 * @param schedule how the learning rate changes
 * @param lrDivisor what the schedule divides the learning rate by, above 1
 * @param maxLrDrops how often the plateau schedule divides at most
 * @param patience epochs without improvement of validation accuracy before the plateau schedule divides
 * @param stepEpochs epochs between two divisions of the step schedule
 * @param resolution side of the square input images, in pixels
 * @param trainSubset training examples to use (class-balanced subset); 0 = all
 * @param testSubset test examples to use (class-balanced subset); 0 = all
 * @param seed the random seed of initialisation, shuffling, augmentation and dropout
 */
public record Recipe(
        int epochs,
        int batchSize,
        float learningRate,
        float momentum,
        float weightDecay,
        Schedule schedule,
        float lrDivisor,
        int maxLrDrops,
        int patience,
        int stepEpochs,
        int resolution,
        int trainSubset,
        int testSubset,
        long seed) {

    /** How the learning rate changes over the run. */
    public enum Schedule {
        /** Divide by {@code lrDivisor} when validation accuracy stops improving (the paper). */
        PLATEAU,
        /** Divide by {@code lrDivisor} every {@code stepEpochs} epochs (pytorch/examples: every 30). */
        STEP,
        /** Keep the learning rate fixed (d2l). */
        CONSTANT;

        public static Schedule parse(String s) {
            for (Schedule v : values()) {
                if (v.name().equalsIgnoreCase(s)) {
                    return v;
                }
            }
            throw new IllegalArgumentException("unknown schedule '" + s + "': use plateau, step or constant");
        }
    }

    private static final RecordComponent[] FIELDS = Recipe.class.getRecordComponents();

    /** Every rule a recipe obeys, checked here and nowhere else. */
    public Recipe {
        positive("epochs", epochs);
        positive("batch size", batchSize);
        if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be a positive number, got " + learningRate);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (!(weightDecay >= 0) || Float.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
        }
        if (schedule == null) {
            throw new IllegalArgumentException("a schedule is required: plateau, step or constant");
        }
        if (!(lrDivisor > 1)) {
            throw new IllegalArgumentException("learning-rate divisor must be > 1, got " + lrDivisor);
        }
        if (maxLrDrops < 0) {
            throw new IllegalArgumentException("max learning-rate drops must be >= 0, got " + maxLrDrops);
        }
        positive("patience", patience);
        positive("step epochs", stepEpochs);
        positive("resolution", resolution);
        nonNegative("train subset", trainSubset);
        nonNegative("test subset", testSubset);
    }

    /** The paper's recipe (the defaults of {@link Builder}); see {@link Preset#PAPER}. */
    public static Recipe paper() {
        return Preset.PAPER.recipe();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        for (int i = 0; i < FIELDS.length; i++) {
            b.values[i] = value(i);
        }
        return b;
    }

    // JavaBeans-style names, as DJL's API and the code written before the record use them.

    public int getEpochs() {
        return epochs;
    }

    public int getBatchSize() {
        return batchSize;
    }

    public float getLearningRate() {
        return learningRate;
    }

    public float getMomentum() {
        return momentum;
    }

    public float getWeightDecay() {
        return weightDecay;
    }

    public Schedule getSchedule() {
        return schedule;
    }

    public float getLrDivisor() {
        return lrDivisor;
    }

    public int getMaxLrDrops() {
        return maxLrDrops;
    }

    public int getPatience() {
        return patience;
    }

    public int getStepEpochs() {
        return stepEpochs;
    }

    public int getResolution() {
        return resolution;
    }

    public int getTrainSubset() {
        return trainSubset;
    }

    public int getTestSubset() {
        return testSubset;
    }

    public long getSeed() {
        return seed;
    }

    /** The recipe as properties named after the fields (the format checkpoints store). */
    public Properties toProperties() {
        Properties p = new Properties();
        for (int i = 0; i < FIELDS.length; i++) {
            Object v = value(i);
            p.setProperty(FIELDS[i].getName(), v instanceof Enum<?> e ? e.name() : v.toString());
        }
        return p;
    }

    /** Reads what {@link #toProperties()} wrote. */
    public static Recipe fromProperties(Properties p) {
        Builder b = new Builder();
        for (int i = 0; i < FIELDS.length; i++) {
            String name = FIELDS[i].getName();
            String text = p.getProperty(name);
            if (text == null) {
                throw new IllegalArgumentException("the recipe has no " + name);
            }
            b.values[i] = parse(FIELDS[i].getType(), text.trim());
        }
        return b.build();
    }

    private static Object parse(Class<?> type, String text) {
        if (type == int.class) {
            return Integer.parseInt(text);
        } else if (type == long.class) {
            return Long.parseLong(text);
        } else if (type == float.class) {
            return Float.parseFloat(text);
        } else if (type == Schedule.class) {
            return Schedule.valueOf(text);
        }
        throw new AssertionError("no parser for " + type);
    }

    private Object value(int i) {
        try {
            return FIELDS[i].getAccessor().invoke(this);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        String sched;
        switch (schedule) {
            case PLATEAU:
                sched = String.format(
                        Locale.ROOT,
                        "/%s on plateau (patience %d, at most %d times)",
                        num(lrDivisor),
                        patience,
                        maxLrDrops);
                break;
            case STEP:
                sched = String.format(Locale.ROOT, "/%s every %d epochs", num(lrDivisor), stepEpochs);
                break;
            default:
                sched = "constant";
        }
        return String.format(
                Locale.ROOT,
                "SGD lr %s %s, momentum %s, weight decay %s, batch %d, %d epochs, %d px%s%s, seed %d",
                num(learningRate),
                sched,
                num(momentum),
                num(weightDecay),
                batchSize,
                epochs,
                resolution,
                trainSubset > 0 ? ", " + trainSubset + " training images" : "",
                testSubset > 0 ? ", " + testSubset + " test images" : "",
                seed);
    }

    /** 0.01 rather than 0.0100000. */
    private static String num(float v) {
        return new BigDecimal(Float.toString(v)).stripTrailingZeros().toPlainString();
    }

    private static void positive(String what, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(what + " must be at least 1, got " + v);
        }
    }

    private static void nonNegative(String what, int v) {
        if (v < 0) {
            throw new IllegalArgumentException(what + " must be >= 0 (0 = all), got " + v);
        }
    }

    /**
     * Builder with the paper's values as defaults (Krizhevsky et al. 2012, section 5: SGD, batch 128,
     * momentum 0.9, weight decay 0.0005, learning rate 0.01 divided by 10 when the validation error
     * stopped improving, three times before the end, about 90 epochs, 224x224 inputs). The values are
     * checked by {@link #build()}.
     */
    public static final class Builder {
        private final Object[] values = {90, 128, 0.01f, 0.9f, 0.0005f, Schedule.PLATEAU, 10f, 3, 5, 30, 224, 0, 0, 42L
        };

        private Builder set(String name, Object value) {
            for (int i = 0; i < FIELDS.length; i++) {
                if (FIELDS[i].getName().equals(name)) {
                    values[i] = value;
                    return this;
                }
            }
            throw new AssertionError(name);
        }

        public Builder epochs(int v) {
            return set("epochs", v);
        }

        public Builder batchSize(int v) {
            return set("batchSize", v);
        }

        public Builder learningRate(float v) {
            return set("learningRate", v);
        }

        public Builder momentum(float v) {
            return set("momentum", v);
        }

        public Builder weightDecay(float v) {
            return set("weightDecay", v);
        }

        public Builder schedule(Schedule v) {
            return set("schedule", v);
        }

        public Builder lrDivisor(float v) {
            return set("lrDivisor", v);
        }

        public Builder maxLrDrops(int v) {
            return set("maxLrDrops", v);
        }

        public Builder patience(int v) {
            return set("patience", v);
        }

        public Builder stepEpochs(int v) {
            return set("stepEpochs", v);
        }

        public Builder resolution(int v) {
            return set("resolution", v);
        }

        public Builder trainSubset(int v) {
            return set("trainSubset", v);
        }

        public Builder testSubset(int v) {
            return set("testSubset", v);
        }

        public Builder seed(long v) {
            return set("seed", v);
        }

        /** The recipe; throws IllegalArgumentException with a one-line reason when a value is out of range. */
        public Recipe build() {
            Class<?>[] types =
                    Arrays.stream(FIELDS).map(RecordComponent::getType).toArray(Class<?>[]::new);
            try {
                return Recipe.class.getDeclaredConstructor(types).newInstance(values);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException(e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
