package org.alexnet.data.transform;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The paper's test-time crops: the four corner and the central size x size patches and their
 * horizontal reflections, in the order top-left, top-right, bottom-left, bottom-right, centre, then
 * the same five mirrored. The network's softmax outputs over the ten are averaged.
 *
 * <p>As a DJL transform it turns a (C, H, W) image into a (10, C, size, size) stack; as an
 * {@link ImageTransform} it is not a single image, so use {@link #crops} instead.
 */
public final class TenCrop implements ImageTransform {

    /** How many crops. */
    public static final int COUNT = 10;

    private final int size;

    public TenCrop(int size) {
        this.size = size;
    }

    /** The top-left corners (top, left) of the five unflipped crops of an h x w image, in order. */
    public static int[][] offsets(int h, int w, int size) {
        if (h < size || w < size) {
            throw new IllegalArgumentException(
                    "cannot crop " + size + "x" + size + " from a " + h + "x" + w + " image");
        }
        int[] c = CenterCrop.offset(h, w, size);
        return new int[][] {{0, 0}, {0, w - size}, {h - size, 0}, {h - size, w - size}, {c[0], c[1]}};
    }

    /** The ten crops of {@code image}. */
    public List<FloatImage> crops(FloatImage image) {
        List<FloatImage> out = new ArrayList<>(COUNT);
        for (int[] o : offsets(image.height(), image.width(), size)) {
            out.add(image.crop(o[0], o[1], size, size));
        }
        for (int i = 0; i < 5; i++) {
            out.add(out.get(i).flipHorizontally());
        }
        return out;
    }

    /** Not a single image: use {@link #crops}. */
    @Override
    public FloatImage apply(FloatImage image, Random random) {
        throw new UnsupportedOperationException("TenCrop makes ten images: use crops(image)");
    }

    @Override
    public NDArray transform(NDArray array) {
        NDList list = new NDList();
        for (FloatImage crop : crops(FloatImage.of(array))) {
            list.add(crop.toNDArray(array.getManager()));
        }
        return NDArrays.stack(list);
    }

    public int getSize() {
        return size;
    }

    @Override
    public String toString() {
        return "TenCrop(" + size + ")";
    }
}
