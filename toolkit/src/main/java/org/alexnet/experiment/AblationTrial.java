package org.alexnet.experiment;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.training.ParameterStore;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.alexnet.data.imagenet.ImageNet;
import org.alexnet.eval.Ensemble;
import org.alexnet.eval.Evaluation;
import org.alexnet.train.Checkpoint;
import org.alexnet.train.EpochRecord;
import org.alexnet.train.FashionMnistData;
import org.alexnet.train.History;
import org.alexnet.train.ImageNetData;
import org.alexnet.train.ProgressListener;
import org.alexnet.train.Recipe;
import org.alexnet.train.StopSignal;
import org.alexnet.train.Training;
import org.alexnet.train.TrainingData;

/**
 * One run of an ablation study: trains the setup's network with {@link Training} in the run's folder
 * (continuing from its checkpoint when one is there), then tests the final network on the test split
 * with the setup's test (ten patches or the centre patch). An arm with {@code trainedBy} (the
 * centre-patch test) tests the networks of that arm, trained with the same seed, instead of training
 * its own: they are the same networks, so training them twice would only cost time.
 */
public final class AblationTrial implements Trial<Ablations.Setup> {

    /** Where a study's data come from: the training data of a setup, and its test. */
    public interface StudyData {
        TrainingData training(Ablations.Setup setup);

        /** Errors of {@code model}'s block on the test split, as {@code setup} tests. */
        Evaluation test(Model model, Ablations.Setup setup, Recipe recipe) throws IOException, TranslateException;
    }

    /** Fashion-MNIST from {@code directory} (null: the default search). */
    public static StudyData fashionMnist(Path directory) {
        return new StudyData() {
            @Override
            public FashionMnistData training(Ablations.Setup s) {
                return new FashionMnistData(directory).withAugmentation(s.augment());
            }

            @Override
            public Evaluation test(Model model, Ablations.Setup s, Recipe recipe)
                    throws IOException, TranslateException {
                var test = training(s).testSet(recipe, s.tenPatch());
                ParameterStore ps = new ParameterStore(model.getNDManager(), false);
                return Evaluation.run(
                        x -> model.getBlock().forward(ps, x, false),
                        test,
                        model.getNDManager(),
                        s.spec().getClasses());
            }
        };
    }

    /** An ImageNet-layout folder; {@code data} makes its {@link ImageNetData} with or without PCA lighting. */
    public static StudyData imageNet(Function<Boolean, ImageNetData> data) {
        return new StudyData() {
            @Override
            public ImageNetData training(Ablations.Setup s) {
                return data.apply(s.augment());
            }

            @Override
            public Evaluation test(Model model, Ablations.Setup s, Recipe recipe)
                    throws IOException, TranslateException {
                return training(s)
                        .evaluate(model, recipe, s.tenPatch() ? ImageNet.Mode.TEN_CROP : ImageNet.Mode.CENTER);
            }
        };
    }

    private final StudyData data;
    private final String engine;
    private final Device[] devices;
    private final Supplier<List<ProgressListener>> progress;
    private final StopSignal stop;

    /**
     * @param progress fresh listeners for each run (e.g. a {@code ConsoleProgress})
     * @param stop stops the running run after its current batch, with a checkpoint (null: none)
     */
    public AblationTrial(
            StudyData data,
            String engine,
            Device[] devices,
            Supplier<List<ProgressListener>> progress,
            StopSignal stop) {
        this.data = data;
        this.engine = engine;
        this.devices = devices;
        this.progress = progress;
        this.stop = stop;
    }

    /** The folder of the networks a run tests: its own, or those of the arm it reuses (same seed). */
    public static Path trainingFolder(Ablations.Setup setup, Path folder) {
        return setup.trainedBy() == null
                ? folder
                : folder.getParent().resolveSibling(setup.trainedBy()).resolve(folder.getFileName());
    }

    /**
     * The recipe a run is tested with: its own, but with the seed that picks the test subset fixed, so
     * every run of a study (and the ensemble) is tested on the same images.
     */
    public static Recipe testRecipe(Recipe recipe) {
        return recipe.toBuilder().seed(TEST_SEED).build();
    }

    /** The seed of the test subset (when the preset tests on a subset). */
    public static final long TEST_SEED = 0;

    @Override
    public Outcome run(Ablations.Setup setup, long seed, Path folder) throws Exception {
        Recipe recipe = setup.recipe(seed);
        Path trained = trainingFolder(setup, folder);
        try (Model model = Training.newModel(setup.spec(), engine, devices[0])) {
            Training.Builder b = Training.builder()
                    .setModel(model, setup.spec())
                    .setData(data.training(setup))
                    .setRecipe(recipe)
                    .optDevices(devices)
                    .optOutputDir(trained)
                    .optResume(true);
            progress.get().forEach(b::addListener);
            if (stop != null) {
                b.optStopSignal(stop);
            }
            // A finished run's checkpoint is loaded and nothing is trained again.
            History history = b.build().fit();
            Evaluation e = data.test(model, setup, testRecipe(recipe));
            double seconds =
                    history.records().stream().mapToDouble(EpochRecord::seconds).sum();
            return new Outcome(1 - e.getTop1(), 1 - e.getTop5(), history.size(), seconds);
        }
    }

    /**
     * The paper's ensemble row: the networks of {@code arm} for every seed loaded from {@code studyFolder}
     * and tested together with {@code setup}'s test, their softmax outputs averaged ({@link Ensemble}).
     */
    public Evaluation ensemble(Ablations.Setup setup, Path studyFolder, String arm, List<Long> seeds)
            throws IOException, TranslateException {
        List<Model> models = new ArrayList<>();
        try {
            for (long seed : seeds) {
                Path ckpt = Training.lastCheckpoint(studyFolder.resolve(arm).resolve("seed-" + seed));
                models.add(Checkpoint.loadModel(ckpt, engine, devices[0]).model());
            }
            try (Model ensemble = Model.newInstance("ensemble", devices[0], engine)) {
                ensemble.setBlock(Ensemble.of(models));
                return data.test(ensemble, setup, testRecipe(setup.recipe()));
            }
        } finally {
            models.forEach(Model::close);
        }
    }
}
