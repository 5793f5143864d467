package org.alexnet.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.alexnet.data.FashionMnist;
import org.alexnet.model.LayerStack;

/**
 * What the layers of a {@link LayerStack} compute: the output of every layer for an input, or the
 * activations of one named layer (e.g. AlexNet's 4096-d "fc7", the paper's image features) for many
 * images. Always in inference mode: dropout passes everything through.
 *
 * <pre>{@code
 * float[][] fc7 = LayerFeatures.extract(net, "fc7", testSet, indices, 128, model.getNDManager());
 * }</pre>
 */
public final class LayerFeatures {

    /** Loads the images of some examples as one batch, e.g. {@code FashionMnist::getImages}. */
    @FunctionalInterface
    public interface ImageSource {
        NDArray load(NDManager manager, long... indices);
    }

    private LayerFeatures() {}

    /**
     * The output of each layer for {@code input}, in network order, up to and including {@code last}
     * (null: every layer). The arrays belong to {@code input}'s manager.
     */
    public static Map<String, NDArray> trace(LayerStack net, NDArray input, String last) {
        ParameterStore parameters = new ParameterStore(input.getManager(), false);
        Map<String, NDArray> outputs = new LinkedHashMap<>();
        NDList x = new NDList(input);
        boolean found = last == null;
        for (Pair<String, Block> child : net.getChildren()) {
            String name = LayerStack.layerName(child.getKey());
            x = child.getValue().forward(parameters, x, false);
            outputs.put(name, x.head());
            if (name.equals(last)) {
                found = true;
                break;
            }
        }
        if (!found) {
            throw new IllegalArgumentException("no layer named " + last + "; layers: " + outputs.keySet());
        }
        return outputs;
    }

    /** The output of layer {@code name} for {@code input} (batch first), computed up to that layer only. */
    public static NDArray forwardTo(LayerStack net, NDArray input, String name) {
        Map<String, NDArray> outputs = trace(net, input, name);
        return outputs.get(name);
    }

    /**
     * The activations of layer {@code name} for examples {@code indices} of {@code data}, flattened to
     * one row per example.
     *
     * @param manager a manager on the network's device; each batch lives in a sub-manager closed after use
     */
    public static float[][] extract(
            LayerStack net, String name, FashionMnist data, int[] indices, int batchSize, NDManager manager) {
        return extract(net, name, data::getImages, indices, batchSize, manager);
    }

    /** {@link #extract(LayerStack, String, FashionMnist, int[], int, NDManager)} for any image source. */
    public static float[][] extract(
            LayerStack net, String name, ImageSource images, int[] indices, int batchSize, NDManager manager) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        float[][] rows = new float[indices.length][];
        for (int from = 0; from < indices.length; from += batchSize) {
            int n = Math.min(batchSize, indices.length - from);
            long[] batch = new long[n];
            for (int i = 0; i < n; i++) {
                batch[i] = indices[from + i];
            }
            try (NDManager scope = manager.newSubManager()) {
                NDArray out = forwardTo(net, images.load(scope, batch), name);
                float[] values = out.toType(DataType.FLOAT32, false).toFloatArray();
                int width = values.length / n;
                for (int i = 0; i < n; i++) {
                    rows[from + i] = Arrays.copyOfRange(values, i * width, (i + 1) * width);
                }
            }
        }
        return rows;
    }
}
