package org.alexnet.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.TrainingDivergedException;
import ai.djl.engine.Engine;
import ai.djl.metric.Metrics;
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
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.evaluator.Evaluator;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListener.BatchData;
import ai.djl.training.loss.Loss;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import org.alexnet.data.EpochShuffleSampler;
import org.alexnet.eval.Evaluation;
import org.alexnet.files.AtomicFiles;
import org.alexnet.model.ModelSpec;

/**
 * The paper's training procedure on DJL's {@link Trainer}: SGD with momentum and weight decay
 * ({@link PaperSgd}), the learning rate divided on validation plateaus ({@link LearningRateSchedule}),
 * per-epoch validation with top-1/top-5 accuracy, a checkpoint after every epoch and an exact resume.
 * The data come from a {@link TrainingData} (Fashion-MNIST, ImageNet).
 *
 * <p>Batches are split over every device the trainer has (data parallel, as in DJL's EasyTrain); the
 * gradients are summed by DJL's parameter server and averaged by the optimiser. DJL
 * {@link TrainingListener}s get the events EasyTrain gives them: training begin and end, every
 * training and validation batch with its {@link BatchData}, and every epoch.
 *
 * <pre>{@code
 * try (Model model = Training.newModel(spec, "MXNet", null)) {
 *     History h = Training.builder()
 *             .setModel(model, spec).setData(new FashionMnistData())
 *             .setRecipe(Preset.WORKSHOP.recipe()).optOutputDir(Path.of("runs/demo"))
 *             .addListener(new ConsoleProgress())
 *             .build().fit();
 * }
 * }</pre>
 */
public final class Training {

    /** Divergence guard: a batch loss above this many times ln(classes) counts as exploding. */
    static final double EXPLODING_FACTOR = 20;

    private final Model model;
    private final ModelSpec spec;
    private final Shape inputShape;
    private final int classes;
    private final TrainingData data;
    private final Recipe recipe;
    private final Path outputDir;
    private final boolean resume;
    private final Device[] devices;
    private final List<ProgressListener> listeners;
    private final List<TrainingListener> djlListeners;
    private final List<Evaluator> evaluators;
    private final Metrics metrics;
    private final StopSignal givenStop;
    /** The run's signal: the one given, else a new one per {@link #fit()}. */
    private StopSignal stop;

    private Training(Builder b) {
        model = b.model;
        spec = b.spec;
        inputShape = spec.inputShape(b.recipe.getResolution());
        classes = spec.getClasses();
        data = b.data;
        recipe = b.recipe;
        outputDir = b.outputDir;
        resume = b.resume;
        devices =
                b.devices != null ? b.devices : model.getNDManager().getEngine().getDevices();
        listeners = List.copyOf(b.listeners);
        djlListeners = List.copyOf(b.djlListeners);
        evaluators = b.evaluators.isEmpty() ? List.of(new Accuracy()) : List.copyOf(b.evaluators);
        metrics = b.metrics != null ? b.metrics : boundedMetrics();
        givenStop = b.stop;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A model holding a fresh (not yet initialised) network of {@code spec} on {@code device} of
     * {@code engine} (null: the engine's default device). The one place models are made; training
     * initialises it with the recipe's seed, {@link Checkpoint#loadModel} with a checkpoint.
     */
    public static Model newModel(ModelSpec spec, String engine, Device device) {
        Model model = Model.newInstance(spec.getVariant().id(), device, engine);
        model.setBlock(spec.build());
        return model;
    }

    /** Values kept per metric name by the default {@link Metrics}: every epoch's, the latest batches'. */
    static final int METRICS_LIMIT = 10_000;

    /**
     * The trainer's metrics when none are given: DJL adds a value per batch for forward, backward and
     * step times and per evaluator, so a limit keeps a long run's heap flat (a full list is cleared).
     */
    private static Metrics boundedMetrics() {
        Metrics m = new Metrics();
        m.setLimit(METRICS_LIMIT);
        return m;
    }

    /** Initialises the model's block for one example of {@code inputShape}, unless already done. */
    static void initialize(Model model, Shape inputShape) {
        Block block = model.getBlock();
        if (!block.isInitialized()) {
            block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1).addAll(inputShape));
        }
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
        stop = givenStop != null ? givenStop : new StopSignal();
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
        initialize(model, inputShape);
        Block block = model.getBlock();
        LearningRateSchedule schedule = new LearningRateSchedule(recipe);
        ParameterNames names = new ParameterNames(block);
        Path last = outputDir == null ? null : lastCheckpoint(outputDir);
        List<ProgressListener> all = new ArrayList<>();
        History history = new History();
        boolean started = false;
        // The optimiser is the first resource, so every failure below (a refused resume, a damaged
        // checkpoint, data that cannot be read) closes it; and a run that started always ends.
        try (PaperSgd optimizer = PaperSgd.builder()
                .setLearningRateTracker(schedule)
                .optMomentum(recipe.getMomentum())
                .optWeightDecays(recipe.getWeightDecay())
                .setRescaleGrad(1f / devices.length)
                .build()) {
            int startEpoch = 0;
            RunState.PartialEpoch partial = null;
            if (resume && last != null && Files.exists(last)) {
                Checkpoint.Header header = Checkpoint.read(last);
                RunState saved = header.state();
                saved.checkResumableWith(spec, recipe);
                header.restore(block, optimizer, model.getNDManager(), names);
                schedule.restore(saved.schedule());
                float before = saved.recipe().getLearningRate();
                if (recipe.getLearningRate() != before) {
                    // A new learning rate given on resume (e.g. after a divergence) applies from here on.
                    schedule.setCurrent(recipe.getLearningRate());
                    notifyMessage(String.format(
                            Locale.ROOT,
                            "learning rate from now on: %.3g (the run started with %.3g)",
                            recipe.getLearningRate(),
                            before));
                }
                history = saved.history();
                startEpoch = saved.epoch();
                partial = saved.partial();
                notifyMessage(
                        partial == null
                                ? String.format(
                                        Locale.ROOT,
                                        "resumed from %s (epoch %d, lr %.3g)",
                                        last,
                                        startEpoch,
                                        schedule.current())
                                : String.format(
                                        Locale.ROOT,
                                        "resumed from %s (epoch %d, batch %d, lr %.3g)",
                                        last,
                                        partial.epoch(),
                                        partial.batches(),
                                        schedule.current()));
            } else if (resume) {
                notifyMessage("no checkpoint in " + outputDir + " yet: starting a new run");
            }

            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(optimizer)
                    .optDevices(devices);
            evaluators.forEach(config::addEvaluator);
            djlListeners.forEach(config::addTrainingListeners);
            String description = String.format(
                    Locale.ROOT,
                    "training %s on %s (%s %s), %s",
                    spec.getVariant().id(),
                    describe(devices),
                    engine.getEngineName(),
                    engine.getVersion(),
                    recipe);
            int epochs = recipe.getEpochs();
            int start = startEpoch;
            // Checkpoints are written by a listener of their own, first, so a display never shows an epoch
            // whose checkpoint is not on disk yet.
            Checkpointer checkpointer = outputDir == null ? null : new Checkpointer(last, block, optimizer, names);
            if (checkpointer != null) {
                all.add(checkpointer);
            }
            all.addAll(listeners);
            // Sent before the data open: ImageNet's statistics can take minutes, and the display shows them.
            started = true;
            all.forEach(l -> l.onStart(start, epochs, description));
            data.reportTo(this::notifyMessage); // for this run only: unset in the finally below
            try (Splits splits = new Splits(data, recipe);
                    Trainer trainer = model.newTrainer(config)) {
                trainer.setMetrics(metrics);
                trainer.initialize(new Shape(1).addAll(inputShape));
                for (int epoch = startEpoch + 1; epoch <= epochs; epoch++) {
                    EpochRecord record;
                    try {
                        record = runEpoch(trainer, splits, epoch, schedule, partial);
                    } catch (Interrupted stop) {
                        if (checkpointer == null) {
                            throw new TrainingInterruptedException(String.format(
                                    Locale.ROOT,
                                    "training interrupted at epoch %d, batch %d (no output folder: nothing saved)",
                                    epoch,
                                    stop.partial.batches()));
                        }
                        checkpointer.save(state(epoch - 1, schedule, history, stop.partial));
                        throw new TrainingInterruptedException(String.format(
                                Locale.ROOT,
                                "training interrupted at epoch %d, batch %d: saved %s; continue with --resume",
                                epoch,
                                stop.partial.batches(),
                                last));
                    }
                    partial = null;
                    boolean dropped = schedule.endEpoch(epoch, record.validationAccuracy());
                    history.add(record);
                    History snapshot = history;
                    if (checkpointer != null) {
                        checkpointer.next = state(epoch, schedule, history, null);
                    }
                    all.forEach(l -> l.onEpoch(record, snapshot, dropped));
                    trainer.notifyListeners(l -> l.onEpoch(trainer));
                }
                data.notes(splits.train).forEach(this::notifyMessage);
            }
            return history;
        } catch (UncheckedIOException e) {
            throw e.getCause(); // a checkpoint could not be written: its message says what to do
        } finally {
            data.reportTo(null);
            if (started) {
                // Also after a failure or a stop, so a live display does not stay "running".
                History done = history;
                all.forEach(l -> l.onEnd(done));
            }
        }
    }

    /** The run's training and validation sets, closed with the run when they hold resources (ImageNet's threads). */
    private static final class Splits implements AutoCloseable {
        final EpochShuffleSampler sampler;
        final Dataset train;
        final Dataset validation;

        Splits(TrainingData data, Recipe recipe) throws IOException, TranslateException {
            sampler = data.sampler(recipe);
            train = data.trainingSet(recipe, sampler);
            Dataset v = null;
            try {
                v = data.validationSet(recipe);
            } finally {
                if (v == null) {
                    close(train);
                }
            }
            validation = v;
        }

        @Override
        public void close() throws IOException {
            close(train);
            close(validation);
        }

        private static void close(Dataset set) throws IOException {
            if (set instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (IOException | RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IOException(e);
                }
            }
        }
    }

    private RunState state(int epoch, LearningRateSchedule schedule, History history, RunState.PartialEpoch partial) {
        return new RunState(
                spec,
                recipe,
                epoch,
                history,
                schedule.state(),
                partial,
                data.name(),
                data instanceof ImageNetData imageNet ? imageNet.facts() : null,
                data instanceof FashionMnistData fashion && fashion.isAugmented(),
                model.getNDManager().getEngine().getEngineName());
    }

    /**
     * Writes last.ckpt (and best.ckpt when validation accuracy improved) and history.csv after every
     * epoch, as the first of the run's listeners; and the interrupted epoch's checkpoint on a stop.
     */
    private final class Checkpointer implements ProgressListener {
        private final Path last;
        private final Block block;
        private final PaperSgd optimizer;
        private final ParameterNames names;
        /** The state to save at the next epoch's end, set by the loop just before it notifies. */
        RunState next;

        Checkpointer(Path last, Block block, PaperSgd optimizer, ParameterNames names) {
            this.last = last;
            this.block = block;
            this.optimizer = optimizer;
            this.names = names;
        }

        void save(RunState state) throws IOException {
            Checkpoint.save(last, state, block, optimizer, names);
        }

        @Override
        public void onEpoch(EpochRecord record, History history, boolean lrDropped) {
            try {
                save(next);
                history.writeCsv(outputDir.resolve("history.csv"));
                double before = history.records().stream()
                        .limit(history.size() - 1L)
                        .mapToDouble(EpochRecord::validationAccuracy)
                        .max()
                        .orElse(Double.NEGATIVE_INFINITY);
                if (record.validationAccuracy() > before) {
                    AtomicFiles.copy(last, outputDir.resolve(Checkpoint.BEST));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Thrown inside the epoch loop when a stop was requested. */
    private static final class Interrupted extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient RunState.PartialEpoch partial;

        Interrupted(RunState.PartialEpoch partial) {
            super(null, null, false, false);
            this.partial = partial;
        }
    }

    private EpochRecord runEpoch(
            Trainer trainer, Splits splits, int epoch, LearningRateSchedule schedule, RunState.PartialEpoch resumed)
            throws IOException, TranslateException {
        EpochShuffleSampler sampler = splits.sampler;
        Dataset trainSet = splits.train;
        boolean continuing = resumed != null && resumed.epoch() == epoch;
        if (sampler != null) {
            sampler.setEpoch(epoch);
            sampler.skipBatches(continuing ? resumed.batches() : 0);
        } else if (continuing) {
            throw new IllegalStateException("resuming inside an epoch needs an EpochShuffleSampler");
        }
        Engine engine = model.getNDManager().getEngine();
        int batches = batchCount(trainSet, sampler);
        float lr = schedule.current();
        double lossSum = continuing ? resumed.lossSum() : 0;
        long correct = continuing ? resumed.correct() : 0;
        long seen = continuing ? resumed.seen() : 0;
        int batchIndex = continuing ? resumed.batches() : 0;
        // Elapsed time carries over, so img/s and the ETA stay meaningful after a resume.
        long start = System.nanoTime() - (continuing ? (long) (resumed.seconds() * 1e9) : 0L);
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
                        epoch,
                        recipe.getEpochs(),
                        batchIndex,
                        batches,
                        lossSum / seen,
                        (double) correct / seen,
                        rate,
                        lr,
                        eta);
                listeners.forEach(l -> l.onBatch(progress));
                if (stop.isRequested() && batchIndex < batches) {
                    throw new Interrupted(
                            new RunState.PartialEpoch(epoch, batchIndex, lossSum, correct, seen, elapsed));
                }
            }
        }
        double trainSeconds = (System.nanoTime() - start) / 1e9;
        Evaluation eval =
                Evaluation.run(trainer::evaluate, splits.validation, trainer.getManager(), classes, (batch, scores) -> {
                    BatchData batchData = new BatchData(batch, new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
                    Device device = scores.head().getDevice();
                    batchData.getLabels().put(device, batch.getLabels());
                    batchData.getPredictions().put(device, scores);
                    trainer.notifyListeners(l -> l.onValidationBatch(trainer, batchData));
                });
        double seconds = (System.nanoTime() - start) / 1e9;
        return new EpochRecord(
                epoch,
                lossSum / seen,
                (double) correct / seen,
                eval.getTop1(),
                eval.getTop5(),
                seen / trainSeconds,
                lr,
                seconds);
    }

    /**
     * Forward and backward over the batch's per-device splits, then DJL's {@code onTrainingBatch} with
     * each split's labels and predictions (as EasyTrain does, before the step); returns the summed loss
     * and the number of correct predictions as (unsynchronised) arrays.
     */
    static NDArray[] trainBatch(Trainer trainer, Batch batch) {
        Batch[] splits = batch.split(trainer.getDevices(), false);
        BatchData batchData = new BatchData(batch, new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
        NDArray lossSum = null;
        NDArray correct = null;
        try (GradientCollector collector = trainer.newGradientCollector()) {
            for (Batch split : splits) {
                NDList labels = split.getLabels();
                NDList predictions = trainer.forward(split.getData(), labels);
                NDArray loss = trainer.getLoss().evaluate(labels, predictions);
                collector.backward(loss);
                batchData.getLabels().put(labels.head().getDevice(), labels);
                batchData.getPredictions().put(predictions.head().getDevice(), predictions);
                NDArray splitLoss = loss.mul(split.getSize())
                        .toDevice(splits[0].getManager().getDevice(), false);
                NDArray splitCorrect = predictions
                        .head()
                        .argMax(1)
                        .toType(DataType.FLOAT32, false)
                        .eq(labels.head())
                        .sum()
                        .toType(DataType.INT64, false)
                        .toDevice(splits[0].getManager().getDevice(), false);
                lossSum = lossSum == null ? splitLoss : lossSum.add(splitLoss);
                correct = correct == null ? splitCorrect : correct.add(splitCorrect);
            }
        }
        trainer.notifyListeners(l -> l.onTrainingBatch(trainer, batchData));
        return new NDArray[] {lossSum, correct};
    }

    private void checkLoss(double loss, int epoch, int batch, float lr) {
        double limit = EXPLODING_FACTOR * Math.log(Math.max(classes, 2));
        if (Double.isNaN(loss) || Double.isInfinite(loss) || loss > limit) {
            String what = Double.isNaN(loss) ? "became NaN" : String.format(Locale.ROOT, "exploded to %.3g", loss);
            throw new TrainingDivergedException(String.format(
                    Locale.ROOT,
                    "training stopped: the loss %s at epoch %d, batch %d (learning rate %.3g); lower --lr" + "%s",
                    what,
                    epoch,
                    batch,
                    lr,
                    outputDir == null
                            ? ""
                            : Files.exists(lastCheckpoint(outputDir))
                                    ? " and continue from the last good checkpoint: --resume --output " + outputDir
                                            + " --lr " + String.format(Locale.ROOT, "%.3g", lr / 10)
                                    : " and start again (no checkpoint was saved: it diverged in the first epoch)"));
        }
    }

    private void notifyMessage(String message) {
        listeners.forEach(l -> l.onMessage(message));
    }

    private int batchCount(Dataset data, EpochShuffleSampler sampler) {
        if (data instanceof RandomAccessDataset r) {
            int batch = sampler != null ? sampler.getBatchSize() : recipe.getBatchSize();
            return (int) Math.ceil((double) r.size() / batch);
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

    /** Builder for {@link Training}. */
    public static final class Builder {
        private Model model;
        private ModelSpec spec;
        private StopSignal stop;
        private TrainingData data;
        private Recipe recipe = Recipe.paper();
        private Path outputDir;
        private boolean resume;
        private Device[] devices;
        private final List<ProgressListener> listeners = new ArrayList<>();
        private final List<TrainingListener> djlListeners = new ArrayList<>();
        private final List<Evaluator> evaluators = new ArrayList<>();
        private Metrics metrics;

        /**
         * The model (made by {@link Training#newModel}) and the spec its block was built from; the spec
         * gives the input shape and the classes, and is stored in checkpoints.
         */
        public Builder setModel(Model model, ModelSpec spec) {
            this.model = model;
            this.spec = spec;
            return this;
        }

        /** Where the training and validation sets come from. */
        public Builder setData(TrainingData data) {
            this.data = data;
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

        /** Progress, the notebook's live view and tests listen here; see {@link ProgressListener}. */
        public Builder addListener(ProgressListener listener) {
            listeners.add(listener);
            return this;
        }

        /**
         * A DJL listener (logging, evaluators, divergence checks, ...): it gets onTrainingBegin/End,
         * onTrainingBatch and onValidationBatch with DJL's {@link BatchData}, and onEpoch, as under
         * DJL's EasyTrain.
         */
        public Builder addTrainingListener(TrainingListener listener) {
            djlListeners.add(listener);
            return this;
        }

        /**
         * An evaluator DJL's {@link ai.djl.training.listener.EvaluatorTrainingListener} updates on every
         * training and validation batch (with the loss, which DJL always adds). Default: {@link Accuracy},
         * as under EasyTrain; evaluators cost nothing unless such a listener is added.
         */
        public Builder addEvaluator(Evaluator evaluator) {
            evaluators.add(evaluator);
            return this;
        }

        /**
         * Where the trainer records DJL's metrics (timings, and the evaluators' values when an
         * {@link ai.djl.training.listener.EvaluatorTrainingListener} is added); default: a new
         * {@link Metrics} keeping at most {@value #METRICS_LIMIT} values per name.
         */
        public Builder optMetrics(Metrics metrics) {
            this.metrics = metrics;
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

        public Training build() {
            if (model == null || model.getBlock() == null || spec == null) {
                throw new IllegalArgumentException("a model with a block and its spec are required (setModel)");
            }
            if (data == null) {
                throw new IllegalArgumentException("the data are required (setData)");
            }
            data.check(spec);
            spec.inputShape(recipe.getResolution()); // refuses a resolution the network cannot take
            if (resume && outputDir == null) {
                throw new IllegalArgumentException("resume needs an output directory");
            }
            return new Training(this);
        }
    }
}
