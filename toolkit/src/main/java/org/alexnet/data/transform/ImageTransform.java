package org.alexnet.data.transform;

import ai.djl.ndarray.NDArray;
import ai.djl.translate.Transform;
import java.util.List;
import java.util.Random;

/**
 * One step of the paper's preprocessing or augmentation, on a host {@link FloatImage}.
 *
 * <p>Every step is also a DJL {@link Transform} on a (C, H, W) array, so it can be used on its own
 * or in a DJL {@code Pipeline}. Random steps take their randomness from the {@link Random} passed
 * in; the input pipeline passes one seeded per (seed, epoch, image), which makes augmentation
 * independent of thread scheduling. As plain DJL transforms they draw from their own seeded
 * generator.
 */
public interface ImageTransform extends Transform {

    /** Applies the step; {@code random} is only used by random steps. */
    FloatImage apply(FloatImage image, Random random);

    /** {@inheritDoc} */
    @Override
    default NDArray transform(NDArray array) {
        return apply(FloatImage.of(array), standaloneRandom()).toNDArray(array.getManager());
    }

    /** The generator used by {@link #transform(NDArray)}; deterministic steps need none. */
    default Random standaloneRandom() {
        return null;
    }

    /** The steps applied in order. */
    static ImageTransform chain(ImageTransform... steps) {
        List<ImageTransform> list = List.of(steps);
        return new ImageTransform() {
            @Override
            public FloatImage apply(FloatImage image, Random random) {
                FloatImage out = image;
                for (ImageTransform step : list) {
                    out = step.apply(out, random);
                }
                return out;
            }

            @Override
            public String toString() {
                return list.toString();
            }
        };
    }
}
