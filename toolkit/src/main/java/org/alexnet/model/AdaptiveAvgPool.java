package org.alexnet.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * Average pooling to a fixed output size whatever the input size, as PyTorch's
 * {@code nn.AdaptiveAvgPool2d}: output cell i averages input rows floor(i * H / out) to
 * ceil((i + 1) * H / out) - 1 (the same for columns). DJL has no such operator; when the input
 * already has the output size (AlexNet at 224 pixels) this is the identity.
 */
public final class AdaptiveAvgPool extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int outHeight;
    private final int outWidth;

    public AdaptiveAvgPool(int outHeight, int outWidth) {
        super(VERSION);
        if (outHeight < 1 || outWidth < 1) {
            throw new IllegalArgumentException("output size must be positive, got " + outHeight + "x" + outWidth);
        }
        this.outHeight = outHeight;
        this.outWidth = outWidth;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head();
        Shape s = x.getShape();
        int h = (int) s.get(2);
        int w = (int) s.get(3);
        if (h == outHeight && w == outWidth) {
            return new NDList(x);
        }
        List<NDArray> rows = new ArrayList<>(outHeight);
        for (int i = 0; i < outHeight; i++) {
            int y0 = Math.floorDiv(i * h, outHeight);
            int y1 = -Math.floorDiv(-(i + 1) * h, outHeight);
            List<NDArray> cells = new ArrayList<>(outWidth);
            for (int j = 0; j < outWidth; j++) {
                int x0 = Math.floorDiv(j * w, outWidth);
                int x1 = -Math.floorDiv(-(j + 1) * w, outWidth);
                cells.add(x.get(":, :, " + y0 + ":" + y1 + ", " + x0 + ":" + x1)
                        .mean(new int[] {3})
                        .mean(new int[] {2})); // PyTorch takes one axis at a time
            }
            rows.add(NDArrays.stack(new NDList(cells), 2)); // (N, C, outWidth)
        }
        return new NDList(NDArrays.stack(new NDList(rows), 2)); // (N, C, outHeight, outWidth)
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), s.get(1), outHeight, outWidth)};
    }

    @Override
    public String toString() {
        return "AdaptiveAvgPool(" + outHeight + "x" + outWidth + ")";
    }
}
