package org.alexnet.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.TrainingDivergedException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.Loss;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.alexnet.data.EpochShuffleSampler;
import org.alexnet.eval.Evaluation;

/**
 * The paper's training procedure on DJL's {@link Trainer}: SGD with momentum and weight decay
 * ({@link PaperSgd}), the learning rate divided on validation plateaus ({@link LearningRateSchedule}),
 * per-epoch validation with top-1/top-5 accuracy, a checkpoint after every epoch and an exact resume.
 *
 * <p>Batches are split over every device the trainer has (data parallel, as in DJL's EasyTrain); the
 * gradients are summed by DJL's parameter server and averaged by the optimiser.
 *
 * <pre>{@code
 * History h = Training.builder()
 *         .setModel(model).setInputShape(new Shape(1, 96, 96)).setClasses(10)
 *         .setTrainingSet(train, sampler).setValidationSet(test)
 *         .setRecipe(Recipe.workshop()).optOutputDir(Path.of("runs/demo"))
 *         .addListener(new ConsoleProgress())
 *         .build().fit();
 * }</pre>
 */
public final class Training {

    /** Divergence guard: a batch loss above this many times ln(classes) counts as exploding. */
    static final double EXPLODING_FACTOR = 20;

    private final Model model;
    private final Shape inputShape;
    private final int classes;
    private final Dataset trainSet;
    private final EpochShuffleSampler sampler;
    private final Dataset validationSet;
    private final Recipe recipe;
    private final Path outputDir;
    private final boolean resume;
    private final Device[] devices;
    private final List<ProgressListener> listeners;
    private final List<TrainingListener> djlListeners;
    private final Properties metadata;
    private final StopSignal stop;

    private Training(Builder b) {
        model = b.model;
        inputShape = b.inputShape;
        classes = b.classes;
        trainSet = b.trainSet;
        sampler = b.sampler;
        validationSet = b.validationSet;
        recipe = b.recipe;
        outputDir = b.outputDir;
        resume = b.resume;
        devices = b.devices != null ? b.devices : model.getNDManager().getEngine().getDevices();
        listeners = List.copyOf(b.listeners);
        djlListeners = List.copyOf(b.djlListeners);
        metadata = b.metadata;
        stop = b.stop != null ? b.stop : new StopSignal();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The checkpoint written after every epoch, in {@code outputDir}. */
    public static Path lastCheckpoint(Path outputDir) {
        return outputDir.resolve(Checkpoint.LAST);
    }

    /**
     * Trains for the recipe's epochs (continuing from the last checkpoint when resuming) and returns
     * the history of all epochs, including those before the resume.
     *
     * @throws TrainingDivergedException when the loss becomes NaN or explodes; the last checkpoint
     *     stays as it was
     */
    public History fit() throws IOException, TranslateException {
        stop.begin();
        try {
            return fitEpochs();
        } finally {
            stop.finish();
        }
    }

    private History fitEpochs() throws IOException, TranslateException {
        Engine engine = model.getNDManager().getEngine();
        engine.setRandomSeed((int) recipe.getSeed());
        Block block = model.getBlock();
        Shape batchShape = new Shape(1).addAll(inputShape);
        if (!block.isInitialized()) {
            block.initialize(model.getNDManager(), DataType.FLOAT32, batchShape);
        }
        LearningRateSchedule schedule = new LearningRateSchedule(recipe);
        PaperSgd optimizer = PaperSgd.builder()
                .setLearningRateTracker(schedule)
                .optMomentum(recipe.getMomentum())
                .optWeightDecays(recipe.getWeightDecay())
                .setRescaleGrad(1f / devices.length)
                .build();
        ParameterNames names = new ParameterNames(block);
        History history = new History();
        int startEpoch = 0;
        Partial partial = null;
        Path last = outputDir == null ? null : lastCheckpoint(outputDir);
        if (resume && last != null && Files.exists(last)) {
            Checkpoint.Header header = Checkpoint.read(last);
            header.restore(block, optimizer, model.getNDManager(), names);
            schedule.loadFrom(header.getProperties());
            float before = recipeOf(header).getLearningRate();
            if (recipe.getLearningRate() != before) {
                // A new learning rate given on resume (e.g. after a divergence) applies from here on.
                schedule.setCurrent(recipe.getLearningRate());
                notifyMessage(String.format(Locale.ROOT, "learning rate from now on: %.3g (the run started with %.3g)",
                        recipe.getLearningRate(), before));
            }
            history = History.fromCsv(header.getProperties().getProperty("history"));
            startEpoch = header.getEpoch();
            partial = Partial.from(header.getProperties());
            notifyMessage(partial == null
                    ? String.format(Locale.ROOT, "resumed from %s (epoch %d, lr %.3g)", last, startEpoch, schedule.current())
                    : String.format(Locale.ROOT, "resumed from %s (epoch %d, batch %d, lr %.3g)", last,
                            partial.epoch, partial.batches, schedule.current()));
        } else if (resume) {
            notifyMessage("no checkpoint in " + outputDir + " yet: starting a new run");
        }

        DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(optimizer)
                .optDevices(devices);
        djlListeners.forEach(config::addTrainingListeners);
        String description = String.format(
                Locale.ROOT, "training %s on %s (%s %s), %s",
                metadata.getProperty("model", "model"), describe(devices), engine.getEngineName(),
                engine.getVersion(), recipe);
        int epochs = recipe.getEpochs();
        int start = startEpoch;
        listeners.forEach(l -> l.onStart(start, epochs, description));
        double bestAccuracy = history.records().stream()
                .mapToDouble(EpochRecord::validationAccuracy).max().orElse(Double.NEGATIVE_INFINITY);
        try (optimizer;
                Trainer trainer = model.newTrainer(config)) {
            trainer.initialize(batchShape);
            for (int epoch = startEpoch + 1; epoch <= epochs; epoch++) {
                EpochRecord record;
                try {
                    record = runEpoch(trainer, epoch, schedule, partial);
                } catch (Interrupted stop) {
                    if (outputDir == null) {
                        throw new TrainingInterruptedException(String.format(Locale.ROOT,
                                "training interrupted at epoch %d, batch %d (no output folder: nothing saved)",
                                epoch, stop.partial.batches));
                    }
                    Properties p = checkpointProperties(epoch - 1, schedule, history);
                    stop.partial.saveTo(p);
                    Checkpoint.save(last, p, block, optimizer, names);
                    throw new TrainingInterruptedException(String.format(Locale.ROOT,
                            "training interrupted at epoch %d, batch %d: saved %s; continue with --resume",
                            epoch, stop.partial.batches, last));
                }
                partial = null;
                boolean dropped = schedule.endEpoch(epoch, record.validationAccuracy());
                history.add(record);
                if (outputDir != null) {
                    Properties p = checkpointProperties(epoch, schedule, history);
                    Checkpoint.save(last, p, block, optimizer, names);
                    history.writeCsv(outputDir.resolve("history.csv"));
                    if (record.validationAccuracy() > bestAccuracy) {
                        Checkpoint.copy(last, outputDir.resolve(Checkpoint.BEST));
                    }
                }
                bestAccuracy = Math.max(bestAccuracy, record.validationAccuracy());
                History snapshot = history;
                listeners.forEach(l -> l.onEpoch(record, snapshot, dropped));
                trainer.notifyListeners(l -> l.onEpoch(trainer));
            }
        }
        History done = history;
        listeners.forEach(l -> l.onEnd(done));
        return history;
    }

    /** The state of an epoch that was interrupted after some batches. */
    private static final class Partial {
        final int epoch;
        final int batches;
        final double lossSum;
        final long correct;
        final long seen;
        final double seconds;

        Partial(int epoch, int batches, double lossSum, long correct, long seen, double seconds) {
            this.epoch = epoch;
            this.batches = batches;
            this.lossSum = lossSum;
            this.correct = correct;
            this.seen = seen;
            this.seconds = seconds;
        }

        void saveTo(Properties p) {
            p.setProperty("partial.epoch", Integer.toString(epoch));
            p.setProperty("partial.batches", Integer.toString(batches));
            p.setProperty("partial.loss_sum", Double.toString(lossSum));
            p.setProperty("partial.correct", Long.toString(correct));
            p.setProperty("partial.seen", Long.toString(seen));
            p.setProperty("partial.seconds", Double.toString(seconds));
        }

        static Partial from(Properties p) {
            if (p.getProperty("partial.epoch") == null) {
                return null;
            }
            return new Partial(Integer.parseInt(p.getProperty("partial.epoch")),
                    Integer.parseInt(p.getProperty("partial.batches")),
                    Double.parseDouble(p.getProperty("partial.loss_sum")),
                    Long.parseLong(p.getProperty("partial.correct")), Long.parseLong(p.getProperty("partial.seen")),
                    Double.parseDouble(p.getProperty("partial.seconds")));
        }
    }

    /** Thrown inside the epoch loop when a stop was requested. */
    private static final class Interrupted extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Partial partial;

        Interrupted(Partial partial) {
            super(null, null, false, false);
            this.partial = partial;
        }
    }

    private EpochRecord runEpoch(Trainer trainer, int epoch, LearningRateSchedule schedule, Partial resumed)
            throws IOException, TranslateException {
        boolean continuing = resumed != null && resumed.epoch == epoch;
        if (sampler != null) {
            sampler.setEpoch(epoch);
            sampler.skipBatches(continuing ? resumed.batches : 0);
        } else if (continuing) {
            throw new IllegalStateException("resuming inside an epoch needs an EpochShuffleSampler");
        }
        Engine engine = model.getNDManager().getEngine();
        int batches = batchCount(trainSet);
        float lr = schedule.current();
        double lossSum = continuing ? resumed.lossSum : 0;
        long correct = continuing ? resumed.correct : 0;
        long seen = continuing ? resumed.seen : 0;
        int batchIndex = continuing ? resumed.batches : 0;
        // Elapsed time carries over, so img/s and the ETA stay meaningful after a resume.
        long start = System.nanoTime() - (continuing ? (long) (resumed.seconds * 1e9) : 0L);
        for (Batch batch : trainer.iterateDataset(trainSet)) {
            try (batch) {
                // Seeding every batch (not once per process) makes dropout draw the same masks whether
                // the run went straight through or was resumed, even in the middle of an epoch.
                engine.setRandomSeed((int) (recipe.getSeed() * 1_000_003L + epoch * 100_003L + batchIndex));
                NDArray[] stats = trainBatch(trainer, batch);
                trainer.step();
                // One host sync per batch: the loss must be checked before the next step anyway.
                float batchLossSum = stats[0].getFloat();
                long batchCorrect = stats[1].getLong();
                long size = batch.getSize();
                checkLoss(batchLossSum / size, epoch, batchIndex + 1, lr);
                lossSum += batchLossSum;
                correct += batchCorrect;
                seen += size;
                batchIndex++;
                double elapsed = (System.nanoTime() - start) / 1e9;
                double rate = seen / elapsed;
                double eta = elapsed / batchIndex * (batches - batchIndex);
                var progress = new ProgressListener.BatchProgress(
                        epoch, recipe.getEpochs(), batchIndex, batches, lossSum / seen,
                        (double) correct / seen, rate, lr, eta);
                listeners.forEach(l -> l.onBatch(progress));
                if (stop.isRequested() && batchIndex < batches) {
                    throw new Interrupted(new Partial(epoch, batchIndex, lossSum, correct, seen, elapsed));
                }
            }
        }
        double trainSeconds = (System.nanoTime() - start) / 1e9;
        Evaluation eval = Evaluation.run(trainer::evaluate, validationSet, trainer.getManager(), classes);
        double seconds = (System.nanoTime() - start) / 1e9;
        return new EpochRecord(
                epoch, lossSum / seen, (double) correct / seen, eval.getTop1(), eval.getTop5(),
                seen / trainSeconds, lr, seconds);
    }

    /**
     * Forward and backward over the batch's per-device splits; returns the summed loss and the number
     * of correct predictions as (unsynchronised) arrays.
     */
    static NDArray[] trainBatch(Trainer trainer, Batch batch) {
        Batch[] splits = batch.split(trainer.getDevices(), false);
        NDArray lossSum = null;
        NDArray correct = null;
        try (GradientCollector collector = trainer.newGradientCollector()) {
            for (Batch split : splits) {
                NDList labels = split.getLabels();
                NDList predictions = trainer.forward(split.getData(), labels);
                NDArray loss = trainer.getLoss().evaluate(labels, predictions);
                collector.backward(loss);
                NDArray splitLoss = loss.mul(split.getSize()).toDevice(splits[0].getManager().getDevice(), false);
                NDArray splitCorrect = predictions.head().argMax(1).toType(DataType.FLOAT32, false)
                        .eq(labels.head()).sum().toType(DataType.INT64, false)
                        .toDevice(splits[0].getManager().getDevice(), false);
                lossSum = lossSum == null ? splitLoss : lossSum.add(splitLoss);
                correct = correct == null ? splitCorrect : correct.add(splitCorrect);
            }
        }
        return new NDArray[] {lossSum, correct};
    }

    private void checkLoss(double loss, int epoch, int batch, float lr) {
        double limit = EXPLODING_FACTOR * Math.log(Math.max(classes, 2));
        if (Double.isNaN(loss) || Double.isInfinite(loss) || loss > limit) {
            String what = Double.isNaN(loss) ? "became NaN" : String.format(Locale.ROOT, "exploded to %.3g", loss);
            throw new TrainingDivergedException(String.format(
                    Locale.ROOT,
                    "training stopped: the loss %s at epoch %d, batch %d (learning rate %.3g); lower --lr"
                            + "%s",
                    what, epoch, batch, lr,
                    outputDir == null ? ""
                            : Files.exists(lastCheckpoint(outputDir))
                                    ? " and continue from the last good checkpoint: --resume --output " + outputDir + " --lr "
                                            + String.format(Locale.ROOT, "%.3g", lr / 10)
                                    : " and start again (no checkpoint was saved: it diverged in the first epoch)"));
        }
    }

    private Properties checkpointProperties(int epoch, LearningRateSchedule schedule, History history) {
        Properties p = new Properties();
        metadata.forEach((k, v) -> p.setProperty("meta." + k, v.toString()));
        recipe.toProperties().forEach((k, v) -> p.setProperty("recipe." + k, v.toString()));
        schedule.saveTo(p);
        p.setProperty("epoch", Integer.toString(epoch));
        p.setProperty("history", history.toCsv());
        p.setProperty("engine", model.getNDManager().getEngine().getEngineName());
        return p;
    }

    private void notifyMessage(String message) {
        listeners.forEach(l -> l.onMessage(message));
    }

    private int batchCount(Dataset data) {
        if (data instanceof ai.djl.training.dataset.RandomAccessDataset) {
            long size = ((ai.djl.training.dataset.RandomAccessDataset) data).size();
            int batch = sampler != null ? sampler.getBatchSize() : recipe.getBatchSize();
            return (int) Math.ceil((double) size / batch);
        }
        return -1;
    }

    private static String describe(Device[] devices) {
        List<String> names = new ArrayList<>();
        for (Device d : devices) {
            names.add(d.toString());
        }
        return String.join("+", names);
    }

    /** The metadata (model variant, dataset, ...) stored in a checkpoint by {@link #fit()}. */
    public static Properties metadataOf(Checkpoint.Header header) {
        return metadataOf(header.getProperties());
    }

    /** The metadata in a checkpoint's properties (see {@link Checkpoint#readProperties}). */
    public static Properties metadataOf(Properties checkpoint) {
        Properties m = new Properties();
        checkpoint.forEach((k, v) -> {
            String key = k.toString();
            if (key.startsWith("meta.")) {
                m.setProperty(key.substring(5), v.toString());
            }
        });
        return m;
    }

    /** The recipe stored in a checkpoint by {@link #fit()}. */
    public static Recipe recipeOf(Checkpoint.Header header) {
        return recipeOf(header.getProperties());
    }

    /** The recipe in a checkpoint's properties (see {@link Checkpoint#readProperties}). */
    public static Recipe recipeOf(Properties checkpoint) {
        Properties r = new Properties();
        checkpoint.forEach((k, v) -> {
            String key = k.toString();
            if (key.startsWith("recipe.")) {
                r.setProperty(key.substring(7), v.toString());
            }
        });
        return Recipe.fromProperties(r);
    }

    /** Builder for {@link Training}. */
    public static final class Builder {
        private Model model;
        private StopSignal stop;
        private Shape inputShape;
        private int classes;
        private Dataset trainSet;
        private EpochShuffleSampler sampler;
        private Dataset validationSet;
        private Recipe recipe = Recipe.paper();
        private Path outputDir;
        private boolean resume;
        private Device[] devices;
        private final List<ProgressListener> listeners = new ArrayList<>();
        private final List<TrainingListener> djlListeners = new ArrayList<>();
        private final Properties metadata = new Properties();

        /** The model, with its block set. */
        public Builder setModel(Model model) {
            this.model = model;
            return this;
        }

        /** One example's shape, without the batch axis, e.g. (3, 224, 224). */
        public Builder setInputShape(Shape inputShape) {
            this.inputShape = inputShape;
            return this;
        }

        public Builder setClasses(int classes) {
            this.classes = classes;
            return this;
        }

        /** The training data and its sampler, whose epoch is set before every epoch. */
        public Builder setTrainingSet(Dataset trainSet, EpochShuffleSampler sampler) {
            this.trainSet = trainSet;
            this.sampler = sampler;
            return this;
        }

        public Builder setValidationSet(Dataset validationSet) {
            this.validationSet = validationSet;
            return this;
        }

        public Builder setRecipe(Recipe recipe) {
            this.recipe = recipe;
            return this;
        }

        /** Where checkpoints and history.csv go; none are written without it. */
        public Builder optOutputDir(Path outputDir) {
            this.outputDir = outputDir;
            return this;
        }

        /** Continue from {@code outputDir/last.ckpt} when it exists. */
        public Builder optResume(boolean resume) {
            this.resume = resume;
            return this;
        }

        /** Devices to train on; default: every GPU the engine sees, else the CPU. */
        public Builder optDevices(Device... devices) {
            this.devices = devices;
            return this;
        }

        public Builder addListener(ProgressListener listener) {
            listeners.add(listener);
            return this;
        }

        /** DJL listeners receive onTrainingBegin/End and onEpoch from the trainer. */
        public Builder addTrainingListener(TrainingListener listener) {
            djlListeners.add(listener);
            return this;
        }

        /**
         * A signal that stops the run after the current batch with a checkpoint that resumes exactly
         * there (e.g. {@link StopSignal#onInterrupt} for Ctrl-C).
         */
        public Builder optStopSignal(StopSignal stop) {
            this.stop = stop;
            return this;
        }

        /** Free-form facts stored in checkpoints (e.g. model=alexnet-fashion). */
        public Builder optMetadata(String key, String value) {
            metadata.setProperty(key, value);
            return this;
        }

        public Training build() {
            if (model == null || model.getBlock() == null) {
                throw new IllegalArgumentException("a model with a block is required");
            }
            if (inputShape == null || classes < 1 || trainSet == null || validationSet == null) {
                throw new IllegalArgumentException("input shape, classes, training and validation sets are required");
            }
            if (resume && outputDir == null) {
                throw new IllegalArgumentException("resume needs an output directory");
            }
            return new Training(this);
        }
    }
}
