package org.alexnet.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Record;
import java.nio.file.Path;
import java.util.List;
import org.alexnet.data.imagenet.ImageNet;
import org.alexnet.data.imagenet.ImageNetLayout;
import org.alexnet.data.imagenet.ImageNetSample;
import org.alexnet.model.ModelSpec;
import org.alexnet.train.ImageNetData;
import org.alexnet.train.Recipe;
import org.alexnet.train.Training;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A one-epoch ImageNet run on a generated sample, then predict from its checkpoint: the mean image, pixel
 * scale and class names are the run's, and the probabilities equal those of the validation pipeline's own
 * centre crop and ten crops.
 */
class ImageNetCheckpointTest {

    @Test
    void checkpointPredictsAsTheValidationPipeline(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("sample");
        ImageNetSample.builder()
                .optClasses(3)
                .optTrainPerClass(8)
                .optValidationPerClass(2)
                .optOddFiles(false)
                .optShorterSide(80, 140)
                .build()
                .write(root);
        ImageNetLayout layout = ImageNetLayout.read(root);
        ModelSpec spec = ModelSpec.of(ModelSpec.Variant.ALEXNET, layout.getClassCount(), 3)
                .withPaperInit(false);
        Recipe recipe =
                Recipe.paper().toBuilder().epochs(1).batchSize(8).resolution(72).build();
        ImageNetData run = ImageNetData.builder()
                .setLayout(layout)
                .optPixelScale(1f / 255)
                .optLighting(false)
                .optReporter(m -> {})
                .build();
        try (Model model = Training.newModel(spec, "MXNet", null)) {
            Training.builder()
                    .setModel(model, spec)
                    .setData(run)
                    .setRecipe(recipe)
                    .optOutputDir(dir.resolve("run"))
                    .build()
                    .fit();
            try (TrainedModel m = TrainedModel.open(dir.resolve("run"), null, "MXNet")) {
                assertEquals(layout.getClassNames(), m.getClassNames());
                assertArrayEquals(
                        run.statistics(recipe).getMean().data(),
                        m.getInput().getMeanImage().data());
                assertEquals(72, m.getInput().getResolution());
                Path image = layout.getValidationFiles().get(1);
                for (ImageNet.Mode mode : List.of(ImageNet.Mode.CENTER, ImageNet.Mode.TEN_CROP)) {
                    float[] expected;
                    try (ImageNet val = run.validationSet(recipe, mode);
                            NDManager scope = model.getNDManager().newSubManager()) {
                        Record r = val.get(scope, 1);
                        NDArray x = r.getData().head();
                        if (mode == ImageNet.Mode.CENTER) {
                            x = x.expandDims(0);
                        }
                        expected = m.scores(x).softmax(1).mean(new int[] {0}).toFloatArray();
                    }
                    float[] got = m.probabilities(image, mode == ImageNet.Mode.TEN_CROP);
                    assertArrayEquals(expected, got, 1e-6f, mode.name());
                    PredictionTable t = Predict.run(m, List.of(image), mode == ImageNet.Mode.TEN_CROP, 3, s -> {});
                    assertEquals(3, t.rows().get(0).classes().length);
                    assertTrue(m.getClassNames().contains(t.rows().get(0).names()[0]));
                }
            }
        }
    }
}
