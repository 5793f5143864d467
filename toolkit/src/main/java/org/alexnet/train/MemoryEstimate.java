package org.alexnet.train;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.alexnet.model.AlexNet;
import org.alexnet.model.ModelSpec;

/**
 * The memory a training needs, worked out from the network's shapes before anything is allocated: an
 * input size the machine cannot hold must end with a line that names the limit, not with the kernel's
 * OOM killer or an engine's stack trace halfway through allocating fc6.
 */
public final class MemoryEstimate {

    /** Weights, gradients, momentum and the engine's copy for the update. */
    private static final int COPIES_PER_PARAMETER = 4;
    /** Each activation: forward output, its gradient and the engine's workspace. */
    private static final int COPIES_PER_ACTIVATION = 3;

    private final long parameters;
    private final long activationsPerImage;

    private MemoryEstimate(long parameters, long activationsPerImage) {
        this.parameters = parameters;
        this.activationsPerImage = activationsPerImage;
    }

    /** The largest input side accepted at all (shape inference allocates a few inputs of that size). */
    public static final int MAX_RESOLUTION = 2048;

    /** Counts parameters and activations of {@code spec}'s network at {@code resolution} without allocating. */
    public static MemoryEstimate of(ModelSpec spec, int resolution) {
        if (resolution > MAX_RESOLUTION) {
            throw new IllegalArgumentException(
                    "--resolution must be at most " + MAX_RESOLUTION + ", got " + resolution);
        }
        Block block = spec.build();
        long[] totals = new long[2];
        walk(block, new Shape(1).addAll(spec.inputShape(resolution)), totals);
        return new MemoryEstimate(totals[0], totals[1]);
    }

    private static Shape walk(Block block, Shape input, long[] totals) {
        if (block instanceof SequentialBlock) {
            Shape s = input;
            for (var child : block.getChildren().values()) {
                s = walk(child, s, totals);
            }
            return s;
        }
        Shape out = block.getOutputShapes(new Shape[] {input})[0];
        if (block instanceof Linear) {
            long in = input.get(input.dimension() - 1);
            long units = out.get(out.dimension() - 1);
            totals[0] += in * units + units;
        } else if (block instanceof Convolution) {
            Convolution c = (Convolution) block;
            long inChannels = input.get(1);
            totals[0] += c.getFilters()
                            * (inChannels / c.getGroups())
                            * c.getKernelShape().size()
                    + (c.isIncludeBias() ? c.getFilters() : 0);
        }
        totals[1] += out.size() / Math.max(1, out.get(0));
        return out;
    }

    public long getParameters() {
        return parameters;
    }

    /** Bytes for training with {@code batch} images (float32). */
    public long trainingBytes(int batch) {
        return Float.BYTES * (COPIES_PER_PARAMETER * parameters + COPIES_PER_ACTIVATION * activationsPerImage * batch);
    }

    /**
     * Four fifths of the machine's physical memory (or of the container's limit when it is lower), in
     * bytes: the rest is left to the system and the JVM's heap.
     */
    public static long availableBytes() {
        return physicalBytes() / 5 * 4;
    }

    private static long physicalBytes() {
        long physical = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        try {
            String limit =
                    Files.readString(Path.of("/sys/fs/cgroup/memory.max")).strip();
            if (!limit.equals("max")) {
                physical = Math.min(physical, Long.parseLong(limit));
            }
        } catch (IOException | RuntimeException e) {
            // No cgroup v2 limit to honour.
        }
        return physical;
    }

    /**
     * Throws when training {@code spec} at {@code resolution} with {@code batch} images needs more than
     * {@code limitBytes}; the message gives the estimate and the largest resolution that fits.
     */
    public static void check(ModelSpec spec, int resolution, int batch, long limitBytes) {
        long need = of(spec, resolution).trainingBytes(batch);
        if (need <= limitBytes) {
            return;
        }
        int low = 0;
        int high = resolution;
        int min = spec.getVariant() == ModelSpec.Variant.LENET ? 28 : AlexNet.MIN_INPUT_SIZE;
        // Memory grows with the resolution: bisect for the largest that fits.
        if (of(spec, min).trainingBytes(batch) <= limitBytes) {
            low = min;
            while (high - low > 1) {
                int mid = (low + high) >>> 1;
                if (of(spec, mid).trainingBytes(batch) <= limitBytes) {
                    low = mid;
                } else {
                    high = mid;
                }
            }
        }
        String fits =
                low > 0 ? "; the largest that fits is --resolution " + low + " at batch " + batch : "; lower --batch";
        throw new IllegalArgumentException(String.format(
                Locale.ROOT,
                "--resolution %d at batch %d needs about %.1f GB (%,d parameters), more than the %.1f GB this machine can give a run%s",
                resolution,
                batch,
                need / 1e9,
                of(spec, resolution).getParameters(),
                limitBytes / 1e9,
                fits));
    }
}
