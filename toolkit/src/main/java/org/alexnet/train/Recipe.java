package org.alexnet.train;

import java.util.Locale;
import java.util.Properties;

/**
 * A training recipe: the optimiser, the learning-rate schedule, the epoch budget and the input
 * resolution. {@link #paper()} holds the numbers of Krizhevsky et al. (2012), section 5; every other
 * preset starts from it and says what it changes. Notebooks, the command line and tests all read
 * their numbers from here.
 */
public final class Recipe {

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

    private final int epochs;
    private final int batchSize;
    private final float learningRate;
    private final float momentum;
    private final float weightDecay;
    private final Schedule schedule;
    private final float lrDivisor;
    private final int maxLrDrops;
    private final int patience;
    private final int stepEpochs;
    private final int resolution;
    private final int trainSubset;
    private final int testSubset;
    private final long seed;

    private Recipe(Builder b) {
        epochs = b.epochs;
        batchSize = b.batchSize;
        learningRate = b.learningRate;
        momentum = b.momentum;
        weightDecay = b.weightDecay;
        schedule = b.schedule;
        lrDivisor = b.lrDivisor;
        maxLrDrops = b.maxLrDrops;
        patience = b.patience;
        stepEpochs = b.stepEpochs;
        resolution = b.resolution;
        trainSubset = b.trainSubset;
        testSubset = b.testSubset;
        seed = b.seed;
    }

    /**
     * The paper: SGD, batch 128, momentum 0.9, weight decay 0.0005, learning rate 0.01 divided by 10
     * when the validation error stopped improving (three times before the end), about 90 epochs,
     * 224x224 inputs.
     */
    public static Recipe paper() {
        return new Builder().build();
    }

    /**
     * Dive into Deep Learning's Fashion-MNIST setting (224 px, batch 128, lr 0.01, 10 epochs) trained
     * with the paper's optimiser (momentum and weight decay) and schedule.
     */
    public static Recipe fashionMnist() {
        return paper().toBuilder().epochs(10).patience(1).build();
    }

    /**
     * The workshop setting for 1-2 CPU cores: the {@link #fashionMnist()} recipe on a 10,000-image
     * class-balanced subset at 96 px (AlexNet's geometry needs at least 67), 3 epochs: a few minutes.
     */
    public static Recipe workshop() {
        return fashionMnist().toBuilder().resolution(96).trainSubset(10_000).testSubset(2_000).epochs(3).build();
    }

    /** A seconds-long run that exercises every step (for smoke tests of notebooks and the CLI). */
    public static Recipe smoke() {
        return workshop().toBuilder().resolution(72).trainSubset(500).testSubset(250).batchSize(64).epochs(1).build();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.epochs = epochs;
        b.batchSize = batchSize;
        b.learningRate = learningRate;
        b.momentum = momentum;
        b.weightDecay = weightDecay;
        b.schedule = schedule;
        b.lrDivisor = lrDivisor;
        b.maxLrDrops = maxLrDrops;
        b.patience = patience;
        b.stepEpochs = stepEpochs;
        b.resolution = resolution;
        b.trainSubset = trainSubset;
        b.testSubset = testSubset;
        b.seed = seed;
        return b;
    }

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

    /** Epochs without improvement of validation accuracy before the learning rate is divided. */
    public int getPatience() {
        return patience;
    }

    public int getStepEpochs() {
        return stepEpochs;
    }

    /** Side of the square input images, in pixels. */
    public int getResolution() {
        return resolution;
    }

    /** Training examples to use (class-balanced subset); 0 = all. */
    public int getTrainSubset() {
        return trainSubset;
    }

    /** Test examples to use (class-balanced subset); 0 = all. */
    public int getTestSubset() {
        return testSubset;
    }

    public long getSeed() {
        return seed;
    }

    /** The recipe as properties, stored in checkpoints so a resumed run continues with the same numbers. */
    public Properties toProperties() {
        Properties p = new Properties();
        p.setProperty("epochs", Integer.toString(epochs));
        p.setProperty("batchSize", Integer.toString(batchSize));
        p.setProperty("learningRate", Float.toString(learningRate));
        p.setProperty("momentum", Float.toString(momentum));
        p.setProperty("weightDecay", Float.toString(weightDecay));
        p.setProperty("schedule", schedule.name());
        p.setProperty("lrDivisor", Float.toString(lrDivisor));
        p.setProperty("maxLrDrops", Integer.toString(maxLrDrops));
        p.setProperty("patience", Integer.toString(patience));
        p.setProperty("stepEpochs", Integer.toString(stepEpochs));
        p.setProperty("resolution", Integer.toString(resolution));
        p.setProperty("trainSubset", Integer.toString(trainSubset));
        p.setProperty("testSubset", Integer.toString(testSubset));
        p.setProperty("seed", Long.toString(seed));
        return p;
    }

    /** Reads what {@link #toProperties()} wrote. */
    public static Recipe fromProperties(Properties p) {
        return new Builder()
                .epochs(Integer.parseInt(p.getProperty("epochs")))
                .batchSize(Integer.parseInt(p.getProperty("batchSize")))
                .learningRate(Float.parseFloat(p.getProperty("learningRate")))
                .momentum(Float.parseFloat(p.getProperty("momentum")))
                .weightDecay(Float.parseFloat(p.getProperty("weightDecay")))
                .schedule(Schedule.valueOf(p.getProperty("schedule")))
                .lrDivisor(Float.parseFloat(p.getProperty("lrDivisor")))
                .maxLrDrops(Integer.parseInt(p.getProperty("maxLrDrops")))
                .patience(Integer.parseInt(p.getProperty("patience")))
                .stepEpochs(Integer.parseInt(p.getProperty("stepEpochs")))
                .resolution(Integer.parseInt(p.getProperty("resolution")))
                .trainSubset(Integer.parseInt(p.getProperty("trainSubset")))
                .testSubset(Integer.parseInt(p.getProperty("testSubset")))
                .seed(Long.parseLong(p.getProperty("seed")))
                .build();
    }

    @Override
    public String toString() {
        String sched;
        switch (schedule) {
            case PLATEAU:
                sched = String.format(Locale.ROOT, "/%s on plateau (patience %d, at most %d times)", num(lrDivisor), patience, maxLrDrops);
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
                num(learningRate), sched, num(momentum), num(weightDecay), batchSize, epochs, resolution,
                trainSubset > 0 ? ", " + trainSubset + " training images" : "",
                testSubset > 0 ? ", " + testSubset + " test images" : "",
                seed);
    }

    /** 0.01 rather than 0.0100000. */
    private static String num(float v) {
        return new java.math.BigDecimal(Float.toString(v)).stripTrailingZeros().toPlainString();
    }

    /** Builder with the paper's values as defaults. */
    public static final class Builder {
        private int epochs = 90;
        private int batchSize = 128;
        private float learningRate = 0.01f;
        private float momentum = 0.9f;
        private float weightDecay = 0.0005f;
        private Schedule schedule = Schedule.PLATEAU;
        private float lrDivisor = 10f;
        private int maxLrDrops = 3;
        private int patience = 5;
        private int stepEpochs = 30;
        private int resolution = 224;
        private int trainSubset;
        private int testSubset;
        private long seed = 42;

        public Builder epochs(int v) {
            epochs = positive("epochs", v);
            return this;
        }

        public Builder batchSize(int v) {
            batchSize = positive("batch size", v);
            return this;
        }

        public Builder learningRate(float v) {
            if (!(v > 0) || Float.isInfinite(v)) {
                throw new IllegalArgumentException("learning rate must be a positive number, got " + v);
            }
            learningRate = v;
            return this;
        }

        public Builder momentum(float v) {
            if (!(v >= 0 && v < 1)) {
                throw new IllegalArgumentException("momentum must be in [0, 1), got " + v);
            }
            momentum = v;
            return this;
        }

        public Builder weightDecay(float v) {
            if (!(v >= 0) || Float.isInfinite(v)) {
                throw new IllegalArgumentException("weight decay must be >= 0, got " + v);
            }
            weightDecay = v;
            return this;
        }

        public Builder schedule(Schedule v) {
            schedule = v;
            return this;
        }

        public Builder lrDivisor(float v) {
            if (!(v > 1)) {
                throw new IllegalArgumentException("learning-rate divisor must be > 1, got " + v);
            }
            lrDivisor = v;
            return this;
        }

        public Builder maxLrDrops(int v) {
            if (v < 0) {
                throw new IllegalArgumentException("max learning-rate drops must be >= 0, got " + v);
            }
            maxLrDrops = v;
            return this;
        }

        public Builder patience(int v) {
            patience = positive("patience", v);
            return this;
        }

        public Builder stepEpochs(int v) {
            stepEpochs = positive("step epochs", v);
            return this;
        }

        public Builder resolution(int v) {
            resolution = positive("resolution", v);
            return this;
        }

        public Builder trainSubset(int v) {
            trainSubset = nonNegative("train subset", v);
            return this;
        }

        public Builder testSubset(int v) {
            testSubset = nonNegative("test subset", v);
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Recipe build() {
            return new Recipe(this);
        }

        private static int positive(String what, int v) {
            if (v < 1) {
                throw new IllegalArgumentException(what + " must be at least 1, got " + v);
            }
            return v;
        }

        private static int nonNegative(String what, int v) {
            if (v < 0) {
                throw new IllegalArgumentException(what + " must be >= 0 (0 = all), got " + v);
            }
            return v;
        }
    }
}
