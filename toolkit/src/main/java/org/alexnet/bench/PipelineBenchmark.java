package org.alexnet.bench;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Locale;
import org.alexnet.data.EpochShuffleSampler;
import org.alexnet.data.imagenet.DatasetStatistics;
import org.alexnet.data.imagenet.ImageNet;
import org.alexnet.data.transform.PcaLighting;
import org.alexnet.model.ModelSpec;
import org.alexnet.train.PaperSgd;

/**
 * Throughput of the ImageNet input pipeline (decode, scale to 256, centre 256, mean image, random 224
 * crop, flip, PCA lighting) on a folder of JPEGs in the ILSVRC layout, next to the training
 * throughput of the paper's network fed by it. A benchmark, not a test; {@code
 * scripts/pipeline-benchmark.sh} runs it and the Python peer (torchvision + PIL) on the same files.
 *
 * <pre>
 * java -cp alexnet-toolkit-all.jar org.alexnet.bench.PipelineBenchmark --dir DIR [--seconds 10]
 *     [--threads N] [--train-steps 3] [--batch 32] [--engine MXNet]
 * </pre>
 *
 * <p>Prints machine-readable lines: {@code toolkit images_per_second_per_core=...} for one decoding
 * thread (wall clock and thread CPU time), {@code toolkit-loader ...} for the multi-threaded loader
 * producing batches, and {@code toolkit-train ...} for training steps fed by the loader.
 */
public final class PipelineBenchmark {

    private PipelineBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path dir = null;
        double seconds = 10;
        int threads = Runtime.getRuntime().availableProcessors();
        int trainSteps = 3;
        int batch = 32;
        String engine = "MXNet";
        for (int i = 0; i < args.length; i++) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--dir" -> dir = Path.of(v);
                case "--seconds" -> seconds = Double.parseDouble(v);
                case "--threads" -> threads = Integer.parseInt(v);
                case "--train-steps" -> trainSteps = Integer.parseInt(v);
                case "--batch" -> batch = Integer.parseInt(v);
                case "--engine" -> engine = v;
                default -> {
                    System.err.println("usage: PipelineBenchmark --dir DIR [--seconds S] [--threads N] [--train-steps N] [--batch N] [--engine NAME]");
                    System.exit(2);
                }
            }
            i++;
        }
        if (dir == null) {
            System.err.println("PipelineBenchmark: --dir DIR (a folder with train/<class>/*.JPEG) is required");
            System.exit(2);
        }
        System.out.printf(Locale.ROOT, "machine: %d cores, %s, Java %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.arch"), System.getProperty("java.version"));

        ImageNet plain = ImageNet.builder().setRoot(dir).optMode(ImageNet.Mode.CENTER)
                .setSampling(EpochShuffleSampler.sequential(1)).build();
        DatasetStatistics stats = DatasetStatistics.compute(plain, 0, 1, null);
        ImageNet train = ImageNet.builder().setRoot(dir).optStatistics(stats, true).optThreads(1)
                .setSampling(new EpochShuffleSampler(batch, 1)).build();
        int n = (int) train.size();
        float[] buffer = new float[3 * ImageNet.CROP * ImageNet.CROP];

        // One thread, as the peer: a warm-up pass (JIT, page cache), then timed passes.
        for (int i = 0; i < n; i++) {
            train.write(i, 0, buffer, 0);
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long cpu0 = mx.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        long images = 0;
        int epoch = 1;
        while ((System.nanoTime() - t0) / 1e9 < seconds) {
            for (int i = 0; i < n && (System.nanoTime() - t0) / 1e9 < seconds; i++) {
                train.write(i, epoch, buffer, 0);
                images++;
            }
            epoch++;
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        double cpu = (mx.getCurrentThreadCpuTime() - cpu0) / 1e9;
        System.out.printf(Locale.ROOT, "toolkit images_per_second_per_core=%.1f images=%d seconds=%.2f cpu_seconds=%.2f "
                + "images_per_cpu_second=%.1f threads=1 files=%d%n", images / wall, images, wall, cpu, images / cpu, n);

        // The loader with all its threads, building batches as training would receive them.
        ImageNet loaderSet = ImageNet.builder().setRoot(dir).optStatistics(stats, true).optThreads(threads)
                .setSampling(new EpochShuffleSampler(batch, 1)).build();
        try (NDManager manager = NDManager.newBaseManager(engine)) {
            long loaded = 0;
            long s0 = System.nanoTime();
            int passes = 0;
            while ((System.nanoTime() - s0) / 1e9 < seconds || passes == 0) {
                for (Batch b : loaderSet.getData(manager)) {
                    loaded += b.getSize();
                    b.close();
                }
                passes++;
            }
            double lw = (System.nanoTime() - s0) / 1e9;
            System.out.printf(Locale.ROOT, "toolkit-loader images_per_second=%.1f threads=%d batch=%d images=%d seconds=%.2f%n",
                    loaded / lw, threads, batch, loaded, lw);
        }
        loaderSet.close();

        if (trainSteps > 0) {
            ModelSpec spec = ModelSpec.of(ModelSpec.Variant.ALEXNET, train.getClassCount(), 3);
            Shape input = new Shape(batch, 3, ImageNet.CROP, ImageNet.CROP);
            ImageNet fed = ImageNet.builder().setRoot(dir).optStatistics(stats, true).optThreads(threads)
                    .setSampling(new EpochShuffleSampler(batch, 2, true)).build();
            try (Model model = Model.newInstance("bench", (ai.djl.Device) null, engine);
                    PaperSgd sgd = PaperSgd.builder().build()) {
                model.setBlock(spec.build());
                DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()).optOptimizer(sgd);
                try (Trainer trainer = model.newTrainer(config)) {
                    trainer.initialize(input);
                    int step = 0;
                    long start = 0;
                    long trained = 0;
                    outer:
                    while (true) {
                        for (Batch b : trainer.iterateDataset(fed)) {
                            try (b) {
                                if (step == 1) {
                                    start = System.nanoTime(); // the first step warms up
                                }
                                ai.djl.training.EasyTrain.trainBatch(trainer, b);
                                trainer.step();
                                if (step >= 1) {
                                    trained += b.getSize();
                                }
                                if (++step > trainSteps) {
                                    break outer;
                                }
                            }
                        }
                    }
                    double tw = (System.nanoTime() - start) / 1e9;
                    Engine e = Engine.getEngine(engine);
                    System.out.printf(Locale.ROOT, "toolkit-train images_per_second=%.1f model=alexnet-paper engine=%s %s batch=%d steps=%d%n",
                            trained / tw, e.getEngineName(), e.getVersion(), batch, trainSteps);
                }
            }
            fed.close();
        }
        System.out.println("statistics: " + stats.describeSource() + "; " + new PcaLighting(
                toFloat(stats.getEigenvalues()), new float[][] {toFloat(stats.getEigenvectors()[0]),
                        toFloat(stats.getEigenvectors()[1]), toFloat(stats.getEigenvectors()[2])}, 0.1, 255f, 0));
        train.close();
        plain.close();
    }

    private static float[] toFloat(double[] d) {
        return new float[] {(float) d[0], (float) d[1], (float) d[2]};
    }

}
