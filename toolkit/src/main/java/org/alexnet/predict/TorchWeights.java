package org.alexnet.predict;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.alexnet.model.LayerStack;
import org.alexnet.model.ModelSpec;
import org.alexnet.model.TorchvisionAlexNet;

/**
 * A network's parameters as a {@code .npz} file (DJL's {@link NDList} NPZ encoding) under PyTorch's
 * state-dict names: "conv1.weight", ..., "fc8.bias" for the toolkit's AlexNet (the module in
 * {@code scripts/alexnet_torch.py}), torchvision's "features.0.weight", ... for
 * {@link TorchvisionAlexNet}. DJL and PyTorch store convolution and linear weights in the same
 * layout (out, in, kh, kw) and (out, in), so arrays go across unchanged.
 */
public final class TorchWeights {

    private TorchWeights() {}

    /** The PyTorch name of DJL parameter {@code key} (e.g. "05conv2_weight") of a {@code spec} network. */
    public static String torchName(ModelSpec spec, String key) {
        if (spec.getVariant() == ModelSpec.Variant.LENET) {
            throw new IllegalArgumentException(
                    "the PyTorch file is for AlexNet models; LeNet has no module in the docs");
        }
        int cut = key.indexOf('_');
        String layer = LayerStack.layerName(key.substring(0, cut));
        String kind = key.substring(cut + 1);
        String module = spec.getVariant() == ModelSpec.Variant.ALEXNET_TORCHVISION
                ? TorchvisionAlexNet.TORCH_NAMES.get(layer)
                : layer;
        if (module == null) {
            throw new IllegalArgumentException("no PyTorch name for parameter " + key);
        }
        return module + "." + kind;
    }

    /** Writes the parameters of {@code block} (a {@code spec} network, initialised) to {@code file}. */
    public static void write(Block block, ModelSpec spec, Path file) throws IOException {
        NDList arrays = new NDList();
        try (NDManager scope = firstArray(block).getManager().newSubManager()) {
            for (Pair<String, Parameter> p : block.getParameters()) {
                NDArray a = p.getValue().getArray().toType(DataType.FLOAT32, true);
                a.attach(scope);
                a.setName(torchName(spec, p.getKey()));
                arrays.add(a);
            }
            try (OutputStream out = Files.newOutputStream(file)) {
                arrays.encode(out, NDList.Encoding.NPZ);
            }
        }
    }

    /**
     * Sets the parameters of {@code block} (a {@code spec} network, initialised) from {@code file};
     * every parameter must be there with its shape.
     *
     * @throws IOException with a one-line reason when the file is missing, not an .npz, or does not fit
     */
    public static void read(Block block, ModelSpec spec, Path file) throws IOException {
        try (NDManager scope = firstArray(block).getManager().newSubManager();
                InputStream in = Files.newInputStream(file)) {
            NDList list;
            try {
                list = NDList.decode(scope, in);
            } catch (RuntimeException e) {
                throw new IOException(file + " is not an .npz tensor file (" + e.getMessage() + ")");
            }
            Map<String, NDArray> byName = new HashMap<>();
            for (NDArray a : list) {
                byName.put(a.getName(), a);
            }
            for (Pair<String, Parameter> p : block.getParameters()) {
                String name = torchName(spec, p.getKey());
                NDArray a = byName.remove(name);
                NDArray target = p.getValue().getArray();
                if (a == null || !a.getShape().equals(target.getShape())) {
                    throw new IOException(file + " does not fit " + spec + ": " + name
                            + (a == null
                                    ? " is missing"
                                    : " has shape " + a.getShape() + ", the model needs " + target.getShape())
                            + "; names present: "
                            + list.stream().map(NDArray::getName).limit(20).toList());
                }
                target.set(FloatBuffer.wrap(a.toType(DataType.FLOAT32, false).toFloatArray()));
            }
            if (!byName.isEmpty()) {
                throw new IOException(file + " has tensors " + spec + " does not: " + byName.keySet());
            }
        } catch (NoSuchFileException e) {
            throw new IOException("no tensor file at " + file);
        }
    }

    private static NDArray firstArray(Block block) {
        return block.getParameters().get(0).getValue().getArray();
    }
}
