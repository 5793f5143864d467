package org.alexnet.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.alexnet.engine.Engines;
import org.alexnet.model.LayerStack;
import org.alexnet.model.ModelSummary;

/**
 * Per-layer timing of a sequential network at a training batch: each layer alone, forward, and forward
 * plus backward, the fastest of a few repetitions after a warm-up, on a random input of the layer's
 * real input shape. Backward gets a random upstream gradient through {@code sum(y * g)}, which adds one
 * element-wise pass over the output (small next to a convolution). The first layer, like in training,
 * computes no gradient for its input. A diagnostic (where the time goes and which layers run below the
 * machine's matrix-product speed), not the training measurement itself.
 */
final class LayerTimes {

    /** One layer: its forward MACs per example, and its fastest forward and forward+backward times. */
    record Layer(String name, long macs, boolean inputGradient, double forwardSeconds, double trainSeconds) {

        /** Forward GFLOP/s at 2 FLOPs per MAC. */
        double forwardGflops(int batch) {
            return 2.0 * macs * batch / forwardSeconds / 1e9;
        }

        /** Forward + backward GFLOP/s: 3x the forward MACs, 2x for a layer without input gradient. */
        double trainGflops(int batch) {
            return (inputGradient ? 3 : 2) * 2.0 * macs * batch / trainSeconds / 1e9;
        }
    }

    private LayerTimes() {}

    /**
     * Times every top-level layer of {@code block} (not yet initialised) on {@code engine} at
     * {@code input} (batch axis first).
     */
    static List<Layer> measure(Block block, Shape input, String engine, int repetitions) {
        List<Layer> layers = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
            block.initialize(manager, DataType.FLOAT32, input);
            ParameterStore parameters = new ParameterStore(manager, false);
            Engine djl = Engines.select(engine);
            NDArray x = manager.randomUniform(0, 1, input);
            Shape[] shapes = {input};
            boolean first = true;
            for (var child : block.getChildren()) {
                Block layer = child.getValue();
                Shape in = shapes[0];
                shapes = layer.getOutputShapes(shapes);
                long macs = ModelSummary.multiplyAdds(layer, in, shapes[0]);
                double forward = Double.POSITIVE_INFINITY;
                double train = Double.POSITIVE_INFINITY;
                NDArray next = null;
                for (int r = 0; r <= repetitions; r++) {
                    try (NDManager step = manager.newSubManager()) {
                        NDArray xi = x.duplicate();
                        xi.attach(step);
                        GemmPeak.sync(xi);
                        // Forward in training mode, recorded as in a training step (MXNet's dropout insists).
                        NDArray y;
                        double tf;
                        try (GradientCollector gc = djl.newGradientCollector()) {
                            long t0 = System.nanoTime();
                            y = layer.forward(parameters, new NDList(xi), true).head();
                            GemmPeak.sync(y);
                            tf = (System.nanoTime() - t0) / 1e9;
                        }
                        if (r == repetitions) {
                            next = y.duplicate();
                            next.attach(manager);
                        }
                        NDArray g = step.randomUniform(-1, 1, y.getShape());
                        GemmPeak.sync(g);
                        xi.setRequiresGradient(!first);
                        long t1 = System.nanoTime();
                        try (GradientCollector gc = djl.newGradientCollector()) {
                            NDArray out = layer.forward(parameters, new NDList(xi), true)
                                    .head();
                            gc.backward(out.mul(g).sum());
                        }
                        if (!first) {
                            GemmPeak.sync(xi.getGradient());
                        }
                        for (var p : layer.getParameters()) {
                            Parameter parameter = p.getValue();
                            NDArray grad = parameter.getArray().getGradient();
                            grad.attach(step);
                            GemmPeak.sync(grad);
                        }
                        double tt = (System.nanoTime() - t1) / 1e9;
                        if (r > 0) {
                            forward = Math.min(forward, tf);
                            train = Math.min(train, tt);
                        }
                    }
                }
                layers.add(new Layer(LayerStack.layerName(child.getKey()), macs, !first, forward, train));
                x.close();
                x = next;
                first = false;
            }
            x.close();
        }
        return layers;
    }

    /** A table of the layers with their share of the summed time and their speed. */
    static String describe(List<Layer> layers, int batch, double peakGflops) {
        double sumForward = layers.stream().mapToDouble(Layer::forwardSeconds).sum();
        double sumTrain = layers.stream().mapToDouble(Layer::trainSeconds).sum();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "   %-8s %12s | %9s %6s %8s | %9s %6s %8s %7s%n",
                "layer",
                "MACs/img",
                "fwd ms",
                "share",
                "GFLOP/s",
                "fwd+bwd",
                "share",
                "GFLOP/s",
                "of peak"));
        for (Layer l : layers) {
            boolean counted = l.macs() > 0;
            sb.append(String.format(
                    Locale.ROOT,
                    "   %-8s %,12d | %9.1f %5.1f%% %8s | %9.1f %5.1f%% %8s %7s%n",
                    l.name(),
                    l.macs(),
                    1e3 * l.forwardSeconds(),
                    100 * l.forwardSeconds() / sumForward,
                    counted ? String.format(Locale.ROOT, "%.1f", l.forwardGflops(batch)) : "-",
                    1e3 * l.trainSeconds(),
                    100 * l.trainSeconds() / sumTrain,
                    counted ? String.format(Locale.ROOT, "%.1f", l.trainGflops(batch)) : "-",
                    counted ? String.format(Locale.ROOT, "%.0f%%", 100 * l.trainGflops(batch) / peakGflops) : "-"));
        }
        long macs = layers.stream().mapToLong(Layer::macs).sum();
        double trainFlop = layers.stream()
                .mapToDouble(l -> (l.inputGradient() ? 3 : 2) * 2.0 * l.macs() * batch)
                .sum();
        sb.append(String.format(
                Locale.ROOT,
                "   %-8s %,12d | %9.1f %6s %8.1f | %9.1f %6s %8.1f %6.0f%%%n",
                "sum",
                macs,
                1e3 * sumForward,
                "",
                2.0 * macs * batch / sumForward / 1e9,
                1e3 * sumTrain,
                "",
                trainFlop / sumTrain / 1e9,
                100 * trainFlop / sumTrain / 1e9 / peakGflops));
        return sb.toString();
    }
}
