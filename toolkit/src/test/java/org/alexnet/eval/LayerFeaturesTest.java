package org.alexnet.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import java.util.List;
import java.util.Map;
import org.alexnet.model.LayerStack;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class LayerFeaturesTest {

    /** flatten - fc1 (2 units) - relu - dropout - fc2 (1 unit), weights set by hand. */
    private static LayerStack tiny(NDManager m) {
        LayerStack net = new LayerStack();
        net.add("flatten", Blocks.batchFlattenBlock())
                .add("fc1", Linear.builder().setUnits(2).build())
                .add("relu", Activation.reluBlock())
                .add("drop", Dropout.builder().optRate(0.5f).build())
                .add("fc2", Linear.builder().setUnits(1).build());
        net.initialize(m, DataType.FLOAT32, new Shape(1, 1, 1, 3));
        // fc1: W = [[1, 0, -1], [0.5, 0.5, 0.5]], b = [0, -1]; fc2: W = [[2, -3]], b = [0.25]
        set(net, "fc1", new float[] {1, 0, -1, 0.5f, 0.5f, 0.5f}, new float[] {0, -1});
        set(net, "fc2", new float[] {2, -3}, new float[] {0.25f});
        return net;
    }

    private static void set(LayerStack net, String layer, float[] w, float[] b) {
        var params = net.layer(layer).getParameters();
        NDArray weight = params.get("weight").getArray();
        weight.set(weight.getManager().create(w, weight.getShape()).toFloatArray());
        NDArray bias = params.get("bias").getArray();
        bias.set(b);
    }

    /** The same network computed in plain Java. */
    private static float[] byHand(float[] x) {
        float h1 = Math.max(0, x[0] - x[2]);
        float h2 = Math.max(0, 0.5f * (x[0] + x[1] + x[2]) - 1);
        return new float[] {x[0] - x[2], 0.5f * (x[0] + x[1] + x[2]) - 1, h1, h2, 2 * h1 - 3 * h2 + 0.25f};
    }

    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void traceGivesEachLayersOutputAsComputedByHand(String engine) {
        try (NDManager m = NDManager.newBaseManager(engine)) {
            LayerStack net = tiny(m);
            float[][] inputs = {{1, 2, 3}, {4, 1, -2}};
            NDArray x = m.create(new float[] {1, 2, 3, 4, 1, -2}, new Shape(2, 1, 1, 3));
            Map<String, NDArray> out = LayerFeatures.trace(net, x, null);
            assertEquals(List.of("flatten", "fc1", "relu", "drop", "fc2"), List.copyOf(out.keySet()));
            for (int i = 0; i < 2; i++) {
                float[] e = byHand(inputs[i]);
                assertArrayEquals(
                        new float[] {e[0], e[1]}, out.get("fc1").get(i).toFloatArray(), 1e-5f);
                assertArrayEquals(
                        new float[] {e[2], e[3]}, out.get("relu").get(i).toFloatArray(), 1e-5f);
                // Inference mode: dropout passes values through unchanged.
                assertArrayEquals(
                        new float[] {e[2], e[3]}, out.get("drop").get(i).toFloatArray(), 1e-5f);
                assertArrayEquals(new float[] {e[4]}, out.get("fc2").get(i).toFloatArray(), 1e-5f);
            }
            // The last layer's output is the network's own forward result.
            NDArray full = net.forward(new ParameterStore(m, false), new NDList(x), false)
                    .head();
            assertArrayEquals(full.toFloatArray(), out.get("fc2").toFloatArray(), 1e-6f);
            // Stopping early computes only up to the layer.
            assertEquals(
                    List.of("flatten", "fc1", "relu"),
                    List.copyOf(LayerFeatures.trace(net, x, "relu").keySet()));
            assertThrows(IllegalArgumentException.class, () -> LayerFeatures.trace(net, x, "fc9"));
        }
    }

    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void extractGivesOneRowPerExampleAcrossBatches(String engine) {
        try (NDManager m = NDManager.newBaseManager(engine)) {
            LayerStack net = tiny(m);
            // Example i is the vector (i, 1, -i).
            LayerFeatures.ImageSource source = (manager, indices) -> {
                float[] v = new float[indices.length * 3];
                for (int k = 0; k < indices.length; k++) {
                    v[3 * k] = indices[k];
                    v[3 * k + 1] = 1;
                    v[3 * k + 2] = -indices[k];
                }
                return manager.create(v, new Shape(indices.length, 1, 1, 3));
            };
            int[] which = {5, 0, 3, 2, 7};
            float[][] rows = LayerFeatures.extract(net, "relu", source, which, 2, m);
            assertEquals(5, rows.length);
            for (int k = 0; k < which.length; k++) {
                float[] e = byHand(new float[] {which[k], 1, -which[k]});
                assertArrayEquals(new float[] {e[2], e[3]}, rows[k], 1e-5f, "example " + which[k]);
            }
        }
    }
}
