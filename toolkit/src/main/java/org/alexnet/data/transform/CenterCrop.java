package org.alexnet.data.transform;

import java.util.Random;

/** The central size x size patch (the paper: 256 after resizing; 224 for single-crop testing). */
public final class CenterCrop implements ImageTransform {

    private final int size;

    public CenterCrop(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be positive: " + size);
        }
        this.size = size;
    }

    /** The top-left corner (top, left) of the central patch of an h x w image. */
    public static int[] offset(int h, int w, int size) {
        return new int[] {(h - size) / 2, (w - size) / 2};
    }

    @Override
    public FloatImage apply(FloatImage image, Random random) {
        int[] o = offset(image.height(), image.width(), size);
        return image.crop(o[0], o[1], size, size);
    }

    @Override
    public String toString() {
        return "CenterCrop(" + size + ")";
    }
}
