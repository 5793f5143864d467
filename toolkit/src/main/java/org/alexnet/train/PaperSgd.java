package org.alexnet.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
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
 * <p>Each update is one fused engine operation, the one DJL's own {@code Optimizer.sgd()} calls
 * (MXNet's {@code sgd_mom_update}, the PyTorch engine's native SGD update). Both compute this rule
 * with the learning rate inside the momentum buffer, so a learning-rate drop takes effect the way the
 * paper describes. Unlike DJL's optimiser this one owns its momentum buffers, so checkpoints can save
 * them for an exact resume. The PyTorch engine keeps the buffer with the opposite sign (it stores
 * -v); checkpoints always hold the paper's v, whichever engine wrote or reads them.
 */
public final class PaperSgd extends Optimizer implements AutoCloseable {

    /** Sign of the engine's momentum buffer relative to the paper's v, by engine name. */
    private static final Map<String, Float> STATE_SIGNS = new ConcurrentHashMap<>();

    private final Tracker learningRate;
    private final float momentum;
    /** The engine's momentum buffers (engine sign), per parameter id and device. */
    private final Map<String, Map<Device, NDArray>> velocity = new ConcurrentHashMap<>();
    /** The buffer each parameter was last updated in: the one a checkpoint saves. */
    private final Map<String, NDArray> latest = new ConcurrentHashMap<>();
    /** Buffers read from a checkpoint (engine sign), the start of every device's copy. */
    private final Map<String, NDArray> loaded = new ConcurrentHashMap<>();

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
        update(parameterId, weight, grad, weight.getDevice());
    }

    /** {@link #update} with the device whose momentum copy to use (tests stand in other devices on a CPU). */
    void update(String parameterId, NDArray weight, NDArray grad, Device device) {
        float lr = learningRate.getNewValue(parameterId, updateCount(parameterId));
        float wd = getWeightDecay();
        if (!Float.isFinite(lr) || !Float.isFinite(wd)) {
            throw new IllegalStateException("learning rate " + lr + " or weight decay " + wd + " is not finite");
        }
        NDList inputs;
        if (momentum == 0f) {
            inputs = new NDList(weight, grad);
        } else {
            NDArray v = buffer(parameterId, weight, device);
            inputs = new NDList(weight, grad, v);
            latest.put(parameterId, v);
        }
        // rescaleGrad averages the gradients that data-parallel training summed over devices; clipGrad
        // is negative (off) unless set. The engine zeroes PyTorch's accumulated gradient itself.
        weight.getNDArrayInternal()
                .sgdUpdate(inputs, new NDList(weight), lr, wd, rescaleGrad, clipGrad, momentum, true);
    }

    /**
     * The momentum buffer of a parameter on the weight's device. Each device starts from zeros, or
     * from the loaded checkpoint's buffer, never from another device's copy: DJL updates the copies
     * one after the other, so another device's copy may already hold this step's update.
     */
    private NDArray buffer(String parameterId, NDArray weight, Device device) {
        Map<Device, NDArray> perDevice = velocity.computeIfAbsent(parameterId, k -> new ConcurrentHashMap<>());
        return perDevice.computeIfAbsent(device, d -> {
            NDArray start = loaded.get(parameterId);
            NDArray v = start == null ? weight.zerosLike() : start.toDevice(weight.getDevice(), true);
            v.detach(); // owned by the optimizer, like DJL's own optimizer state
            return v;
        });
    }

    /**
     * Writes the momentum buffers (the paper's sign) keyed by stable parameter names: for each
     * parameter the copy it was last updated in (MXNet's multi-GPU store updates each parameter on
     * one device of its choosing), or the loaded one when there was no update since.
     */
    public void saveState(DataOutputStream out, Function<String, String> idToName) throws IOException {
        Map<String, NDArray> current = new LinkedHashMap<>(loaded);
        current.putAll(latest);
        out.writeInt(current.size());
        for (Map.Entry<String, NDArray> e : current.entrySet()) {
            out.writeUTF(idToName.apply(e.getKey()));
            NDArray v = e.getValue();
            if (stateSign(v.getManager().getEngine()) > 0) {
                ArrayStreams.write(out, v);
            } else {
                try (NDArray paper = v.neg()) {
                    ArrayStreams.write(out, paper);
                }
            }
        }
    }

    /** Reads what {@link #saveState} wrote; the buffers are copied to other devices on first use. */
    public void loadState(DataInputStream in, NDManager manager, Function<String, String> nameToId) throws IOException {
        close();
        boolean flip = stateSign(manager.getEngine()) < 0;
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            NDArray v = ArrayStreams.read(in, manager);
            if (flip) {
                v.negi();
            }
            v.detach(); // owned by the optimizer, like DJL's own optimizer state
            loaded.put(nameToId.apply(name), v);
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
        latest.clear();
        loaded.values().forEach(NDArray::close);
        loaded.clear();
    }

    /** The momentum buffer of a parameter in the paper's sign (its latest copy), or null before its first update or load. */
    float[] paperVelocity(String parameterId) {
        NDArray v = latest.getOrDefault(parameterId, loaded.get(parameterId));
        if (v == null) {
            return null;
        }
        float sign = stateSign(v.getManager().getEngine());
        float[] values = v.toFloatArray();
        for (int i = 0; i < values.length; i++) {
            values[i] *= sign;
        }
        return values;
    }

    /** The engine's own buffer of a parameter on {@code device}, or null before its first update there. */
    NDArray buffer(String parameterId, Device device) {
        Map<Device, NDArray> perDevice = velocity.get(parameterId);
        return perDevice == null ? null : perDevice.get(device);
    }

    /** Number of parameters that have momentum buffers (0 before the first step). */
    public int stateSize() {
        Set<String> ids = new HashSet<>(loaded.keySet());
        ids.addAll(latest.keySet());
        return ids.size();
    }

    /**
     * +1 when the engine's fused update keeps the paper's v, -1 when it keeps -v. Found once per
     * engine by one update of a scalar (v starts at 0, the gradient is 1, so v becomes -lr) rather
     * than assumed from the engine's name.
     */
    static float stateSign(Engine engine) {
        return STATE_SIGNS.computeIfAbsent(engine.getEngineName(), name -> {
            try (NDManager m = engine.newBaseManager(Device.cpu())) {
                NDArray w = m.create(new float[] {0f});
                w.setRequiresGradient(true);
                NDArray v = m.create(new float[] {0f});
                w.getNDArrayInternal()
                        .sgdUpdate(
                                new NDList(w, m.create(new float[] {1f}), v),
                                new NDList(w),
                                1f,
                                0f,
                                1f,
                                -1f,
                                0.5f,
                                true);
                float state = v.getFloat();
                if (state != -1f && state != 1f) {
                    throw new IllegalStateException(
                            name + "'s fused SGD update is not the paper's rule (state " + state + ")");
                }
                return -state;
            }
        });
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
