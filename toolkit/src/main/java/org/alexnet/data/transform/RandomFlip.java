package org.alexnet.data.transform;

import java.util.Random;

/** Mirrors the image left-right with probability 1/2 (the paper's horizontal reflections). */
public final class RandomFlip implements ImageTransform {

    private final Random standalone;

    /** A flip whose standalone DJL use draws from a generator seeded with {@code seed}. */
    public RandomFlip(long seed) {
        this.standalone = new Random(seed);
    }

    public RandomFlip() {
        this(0L);
    }

    /** Whether to flip: one boolean draw. */
    public static boolean draw(Random random) {
        return random.nextBoolean();
    }

    @Override
    public FloatImage apply(FloatImage image, Random random) {
        return draw(random) ? image.flipHorizontally() : image;
    }

    @Override
    public Random standaloneRandom() {
        return standalone;
    }

    @Override
    public String toString() {
        return "RandomFlip";
    }
}
