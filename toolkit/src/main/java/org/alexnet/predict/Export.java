package org.alexnet.predict;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Writes a {@link TrainedModel} as a folder other tools read:
 *
 * <pre>
 * FOLDER/alexnet-0000.params    DJL's parameter file: Criteria.builder().optModelPath(FOLDER)
 *                               .optBlock(spec.build()).setTypes(NDList.class, NDList.class) loads it
 * FOLDER/alexnet.properties     the ModelSpec (ModelSpec.fromProperties) and input resolution
 * FOLDER/input.properties       how images become inputs (InputPipeline), mean-image.npz beside it if any
 * FOLDER/classes.txt            class names, one a line, in output order
 * FOLDER/alexnet-pytorch.npz    the same parameters under PyTorch state-dict names (TorchWeights)
 * </pre>
 */
public final class Export {

    /** The model name DJL's files carry ({@code alexnet-0000.params}). */
    public static final String NAME = "alexnet";
    /** The PyTorch tensor file's name. */
    public static final String TORCH_FILE = "alexnet-pytorch.npz";

    private Export() {}

    /** Writes {@code model} to {@code folder} (created; files already there are replaced). */
    public static Path run(TrainedModel model, Path folder) throws IOException {
        Files.createDirectories(folder);
        Properties p = model.getSpec().toProperties();
        p.setProperty("resolution", Integer.toString(model.getInput().getResolution()));
        p.setProperty("name", NAME);
        p.setProperty("source", model.getSource());
        try (OutputStream out = Files.newOutputStream(folder.resolve(TrainedModel.SPEC_FILE))) {
            p.store(
                    out,
                    "org.alexnet.model.ModelSpec; load with org.alexnet.predict.TrainedModel.load or DJL's Criteria");
        }
        NDManager manager = model.getModel().getNDManager();
        model.getInput().save(folder, manager);
        Files.write(folder.resolve(TrainedModel.CLASSES_FILE), model.getClassNames(), StandardCharsets.UTF_8);
        model.getModel().save(folder, NAME);
        if (model.getSpec().getVariant() != org.alexnet.model.ModelSpec.Variant.LENET) {
            TorchWeights.write(model.getModel().getBlock(), model.getSpec(), folder.resolve(TORCH_FILE));
        }
        return folder;
    }
}
