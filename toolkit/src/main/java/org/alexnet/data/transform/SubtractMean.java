package org.alexnet.data.transform;

import java.util.Random;

/**
 * Subtracts the per-pixel mean image of the training set (the paper: "subtracting the mean activity
 * over the training set from each pixel"), before cropping, so the mean has the image's size.
 */
public final class SubtractMean implements ImageTransform {

    private final FloatImage mean;

    public SubtractMean(FloatImage mean) {
        this.mean = mean;
    }

    @Override
    public FloatImage apply(FloatImage image, Random random) {
        if (image.channels() != mean.channels() || image.height() != mean.height() || image.width() != mean.width()) {
            throw new IllegalArgumentException("the mean image is " + mean.channels() + "x" + mean.height() + "x"
                    + mean.width() + " but the image is " + image.channels() + "x" + image.height() + "x"
                    + image.width() + ": subtract the mean after resizing and centre-cropping to 256");
        }
        float[] in = image.data();
        float[] m = mean.data();
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = in[i] - m[i];
        }
        return new FloatImage(image.channels(), image.height(), image.width(), out);
    }

    public FloatImage getMean() {
        return mean;
    }

    @Override
    public String toString() {
        return "SubtractMean";
    }
}
