package org.alexnet.data.transform;

import java.util.Random;

/** Rescales an image so that its shorter side has the given length (the paper: 256), keeping the aspect. */
public final class ResizeShorter implements ImageTransform {

    private final int size;

    public ResizeShorter(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be positive: " + size);
        }
        this.size = size;
    }

    @Override
    public FloatImage apply(FloatImage image, Random random) {
        return FloatImage.of(Images.resizeShorterSide(image.toBufferedImage(), size));
    }

    @Override
    public String toString() {
        return "ResizeShorter(" + size + ")";
    }
}
