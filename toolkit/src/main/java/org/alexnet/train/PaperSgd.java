package org.alexnet.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Stochastic gradient descent exactly as written in the paper (section 5):
 *
 * <pre>
 *   v &lt;- momentum * v - weightDecay * lr * w - lr * grad
 *   w &lt;- w + v
 * </pre>
 *
 * <p>Written with engine-neutral NDArray operations so MXNet and PyTorch follow the same rule (DJL's
 * built-in SGD delegates to each engine's own, slightly different, momentum formula), and so the
 * momentum buffers can be saved in checkpoints for an exact resume.
 */
public final class PaperSgd extends Optimizer implements AutoCloseable {

    private final Tracker learningRate;
    private final float momentum;
    private final Map<String, Map<Device, NDArray>> velocity = new ConcurrentHashMap<>();

    private PaperSgd(Builder builder) {
        super(builder);
        this.learningRate = builder.learningRate;
        this.momentum = builder.momentum;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        float lr = learningRate.getNewValue(parameterId, updateCount(parameterId));
        float wd = getWeightDecay();
        NDArray v = withDefaultState(velocity, parameterId, weight.getDevice(), k -> weight.zerosLike());
        // rescaleGrad averages the gradients that data-parallel training summed over devices.
        try (NDArray step = grad.mul(-lr * rescaleGrad)) {
            if (wd != 0f) {
                try (NDArray decay = weight.mul(wd * lr)) {
                    step.subi(decay);
                }
            }
            v.muli(momentum).addi(step);
            weight.addi(v);
        }
        // PyTorch accumulates gradients across backward passes, so they are zeroed after the step as
        // DJL's own SGD does there. (MXNet overwrites them, and its parameter server hands us a
        // gradient-less copy of the weight.)
        if (weight.hasGradient()) {
            try (NDArray weightGrad = weight.getGradient()) {
                weightGrad.subi(weightGrad);
            }
        }
    }

    /** Writes the momentum buffers (one device's copy) keyed by stable parameter names. */
    public void saveState(DataOutputStream out, Function<String, String> idToName) throws IOException {
        out.writeInt(velocity.size());
        for (Map.Entry<String, Map<Device, NDArray>> e : velocity.entrySet()) {
            out.writeUTF(idToName.apply(e.getKey()));
            ArrayStreams.write(out, e.getValue().values().iterator().next());
        }
    }

    /** Reads what {@link #saveState} wrote; the buffers are copied to other devices on first use. */
    public void loadState(DataInputStream in, NDManager manager, Function<String, String> nameToId)
            throws IOException {
        close();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            NDArray v = ArrayStreams.read(in, manager);
            v.detach(); // owned by the optimizer, like DJL's own optimizer state
            Map<Device, NDArray> perDevice = new ConcurrentHashMap<>();
            perDevice.put(v.getDevice(), v);
            velocity.put(nameToId.apply(name), perDevice);
        }
    }

    /**
     * Frees the momentum buffers. DJL detaches optimiser state from every manager, so nothing else
     * would free this native memory (one copy of the weights) before the process ends.
     */
    @Override
    public void close() {
        velocity.values().forEach(perDevice -> perDevice.values().forEach(NDArray::close));
        velocity.clear();
    }

    /** The momentum buffer of a parameter (first device's copy), or null before its first update. */
    NDArray velocityOf(String parameterId) {
        Map<Device, NDArray> perDevice = velocity.get(parameterId);
        return perDevice == null ? null : perDevice.values().iterator().next();
    }

    /** Number of parameters that have momentum buffers (0 before the first step). */
    public int stateSize() {
        return velocity.size();
    }

    /** Builder: learning-rate tracker, momentum and weight decay (optWeightDecays). */
    public static final class Builder extends OptimizerBuilder<Builder> {
        private Tracker learningRate = Tracker.fixed(0.01f);
        private float momentum = 0.9f;

        public Builder setLearningRateTracker(Tracker tracker) {
            this.learningRate = tracker;
            return this;
        }

        public Builder optMomentum(float momentum) {
            this.momentum = momentum;
            return this;
        }

        @Override
        protected Builder self() {
            return this;
        }

        public PaperSgd build() {
            return new PaperSgd(this);
        }
    }
}
