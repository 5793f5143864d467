package org.alexnet.data.transform;

import java.util.Random;

/**
 * A size x size patch at a uniformly random position (the paper's first augmentation: 224 x 224
 * patches of the 256 x 256 image). Every position is possible, 0..32 on each axis for 224 of 256,
 * which includes the four corner crops of the 10-crop test.
 */
public final class RandomCrop implements ImageTransform {

    private final int size;
    private final Random standalone;

    /** A crop whose standalone DJL use draws from a generator seeded with {@code seed}. */
    public RandomCrop(int size, long seed) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be positive: " + size);
        }
        this.size = size;
        this.standalone = new Random(seed);
    }

    public RandomCrop(int size) {
        this(size, 0L);
    }

    /**
     * Draws the top-left corner (top, left) of a crop in an h x w image: first the row, then the
     * column, each uniform over all valid offsets.
     */
    public static int[] offset(int h, int w, int size, Random random) {
        if (h < size || w < size) {
            throw new IllegalArgumentException(
                    "cannot crop " + size + "x" + size + " from a " + h + "x" + w + " image");
        }
        int top = random.nextInt(h - size + 1);
        int left = random.nextInt(w - size + 1);
        return new int[] {top, left};
    }

    @Override
    public FloatImage apply(FloatImage image, Random random) {
        int[] o = offset(image.height(), image.width(), size, random);
        return image.crop(o[0], o[1], size, size);
    }

    @Override
    public synchronized Random standaloneRandom() {
        return standalone;
    }

    @Override
    public String toString() {
        return "RandomCrop(" + size + ")";
    }
}
