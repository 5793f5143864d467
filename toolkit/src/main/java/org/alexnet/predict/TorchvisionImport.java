package org.alexnet.predict;

import java.io.IOException;
import java.nio.file.Path;

/** The toolkit side of {@code alexnet import-torchvision}: converted torchvision weights to an exported folder. */
public final class TorchvisionImport {

    private TorchvisionImport() {}

    /**
     * Reads torchvision's AlexNet weights from {@code npz} (made by {@code scripts/alexnet_torch.py
     * convert}) and writes them as an {@link Export} folder with ImageNet's class names.
     *
     * @return the folder
     */
    public static Path run(Path npz, Path folder, String engine) throws IOException {
        try (TrainedModel m = TrainedModel.importTorchvision(npz, engine)) {
            return Export.run(m, folder);
        }
    }
}
