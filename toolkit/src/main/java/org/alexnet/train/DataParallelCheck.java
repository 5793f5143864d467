package org.alexnet.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.Batchifier;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.alexnet.engine.Engines;
import org.alexnet.model.AlexNet;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Data-parallel training against one device on the same batches: the d2l network without dropout
 * (so both runs compute the same function), the same initial weights (same seed, same first
 * device), the same seeded synthetic batches, the paper's optimiser. Each batch is split over the
 * devices by {@link Training}'s own batch step (as DJL's {@code EasyTrain} splits it) and the summed
 * gradients are averaged, so the losses must agree up to floating-point reduction order. Run by {@code scripts/gpu-check.sh} on a machine
 * with two or more GPUs:
 *
 * <pre>
 * java -cp alexnet-toolkit-*-gpu.jar org.alexnet.train.DataParallelCheck [--engine NAME] [--steps 20] [--batch N] [--resolution N]
 * </pre>
 */
public final class DataParallelCheck {

    /** Largest relative difference of a step's loss accepted between 1 and N devices. */
    public static final double TOLERANCE = 1e-2;

    private DataParallelCheck() {}

    /** The mean loss of each step, training on {@code devices} (the batch split over them). */
    public static double[] losses(Engine engine, Device[] devices, int steps, int batch, int resolution, long seed) {
        engine.setRandomSeed((int) seed);
        Recipe recipe = PRESET.recipe();
        double[] losses = new double[steps];
        try (Model model = Model.newInstance("data-parallel-check", devices[0], engine.getEngineName());
                PaperSgd sgd = PaperSgd.builder()
                        .setLearningRateTracker(Tracker.fixed(recipe.getLearningRate()))
                        .optMomentum(recipe.getMomentum())
                        .optWeightDecays(recipe.getWeightDecay())
                        .setRescaleGrad(1f / devices.length)
                        .build()) {
            model.setBlock(AlexNet.fashionMnistBuilder().optDropout(0f).build());
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(sgd)
                    .optDevices(devices);
            try (Trainer trainer = model.newTrainer(config)) {
                Shape input = new Shape(batch, 1, resolution, resolution);
                trainer.initialize(input);
                SplittableRandom random = new SplittableRandom(seed);
                for (int s = 0; s < steps; s++) {
                    try (NDManager m = model.getNDManager().newSubManager()) {
                        float[] pixels = new float[(int) input.size()];
                        for (int i = 0; i < pixels.length; i++) {
                            pixels[i] = (float) random.nextDouble();
                        }
                        float[] labels = new float[batch];
                        for (int i = 0; i < batch; i++) {
                            labels[i] = random.nextInt(10);
                        }
                        Batch whole = new Batch(
                                m,
                                new NDList(m.create(pixels, input)),
                                new NDList(m.create(labels)),
                                batch,
                                Batchifier.STACK,
                                Batchifier.STACK,
                                s,
                                steps);
                        // The training loop's own step: the same split, forward, loss and backward.
                        NDArray lossSum = Training.trainBatch(trainer, whole)[0];
                        trainer.step();
                        losses[s] = lossSum.getFloat() / batch;
                    }
                }
            }
        }
        return losses;
    }

    /** Largest |a - b| / |a| over the steps. */
    public static double maxRelativeDifference(double[] a, double[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]) / Math.abs(a[i]));
        }
        return max;
    }

    /** The command line; the batch and resolution default to {@link #PRESET}'s. */
    @Command(
            name = "DataParallelCheck",
            sortOptions = false,
            description = "compares training on one GPU with training on all of them, batch by batch")
    static final class Options {
        @Option(
                names = {"-h", "--help"},
                usageHelp = true,
                description = "show this help")
        boolean help;

        @Option(names = "--engine", paramLabel = "NAME", description = "the engine (default: the toolkit's rule)")
        String engine;

        @Option(names = "--steps", paramLabel = "N", description = "training steps (default: ${DEFAULT-VALUE})")
        int steps = 20;

        @Option(names = "--batch", paramLabel = "N", description = "batch size (default: ${DEFAULT-VALUE})")
        int batch = PRESET.recipe().getBatchSize();

        @Option(
                names = "--resolution",
                paramLabel = "N",
                description = "input side in pixels (default: ${DEFAULT-VALUE})")
        int resolution = PRESET.recipe().getResolution();
    }

    /** The recipe the check's network trains with: the d2l network's. */
    static final Preset PRESET = Preset.D2L;

    public static void main(String[] args) {
        Options o = new Options();
        CommandLine cli = new CommandLine(o);
        try {
            if (cli.parseArgs(args).isUsageHelpRequested()) {
                cli.usage(System.out);
                System.exit(0);
            }
        } catch (CommandLine.ParameterException e) {
            System.err.println("data-parallel check: " + e.getMessage() + " (--help lists the flags)");
            System.exit(2);
        }
        String engineName = o.engine;
        int steps = o.steps;
        int batch = o.batch;
        int resolution = o.resolution;
        Engines.Choice choice = Engines.choose(engineName, -1);
        choice.notes().forEach(n -> System.out.println("note: " + n));
        Device[] all = choice.devices();
        if (all.length < 2 || !all[0].isGpu()) {
            System.out.println("data-parallel check: skipped, "
                    + choice.engine().getEngineName() + " sees " + Arrays.toString(all) + " (needs two or more GPUs)");
            System.exit(0);
        }
        Engine engine = choice.engine();
        long t0 = System.nanoTime();
        double[] one = losses(engine, new Device[] {all[0]}, steps, batch, resolution, 42);
        long t1 = System.nanoTime();
        double[] many = losses(engine, all, steps, batch, resolution, 42);
        long t2 = System.nanoTime();
        System.out.printf(
                Locale.ROOT,
                "data-parallel check: %s, d2l network without dropout, batch %d at %d px, %d steps%n",
                Engines.describe(engine),
                batch,
                resolution,
                steps);
        System.out.printf(
                Locale.ROOT, "%5s %12s %12s %10s%n", "step", "loss 1 GPU", "loss " + all.length + " GPUs", "rel diff");
        for (int s = 0; s < steps; s++) {
            System.out.printf(
                    Locale.ROOT,
                    "%5d %12.6f %12.6f %10.2e%n",
                    s + 1,
                    one[s],
                    many[s],
                    Math.abs(one[s] - many[s]) / Math.abs(one[s]));
        }
        double diff = maxRelativeDifference(one, many);
        // Throughput includes the first (warm-up) steps and the host-side batch making: a rough figure.
        System.out.printf(
                Locale.ROOT,
                "throughput: 1 GPU %.0f img/s, %d GPUs %.0f img/s (including warm-up)%n",
                steps * batch / ((t1 - t0) / 1e9),
                all.length,
                steps * batch / ((t2 - t1) / 1e9));
        boolean ok = diff <= TOLERANCE;
        System.out.printf(
                Locale.ROOT,
                "max relative loss difference %.2e (tolerance %.0e): %s%n",
                diff,
                TOLERANCE,
                ok ? "OK" : "FAILED");
        System.exit(ok ? 0 : 1);
    }
}
