package org.alexnet.predict;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.alexnet.data.imagenet.ImageNetLayout;

/**
 * The top classes of a trained model for image files: the toolkit side of {@code alexnet predict}.
 *
 * <pre>{@code
 * PredictionTable t = Predict.run(Predict.options(Path.of("runs/fashion"), List.of(Path.of("photos"))));
 * System.out.print(t.toTable());
 * }</pre>
 */
public final class Predict {

    /** What to predict with and on; see {@link #options}. */
    public static final class Options {
        /** Classes listed per image unless {@link #optTop} says otherwise: the paper's top-5. */
        public static final int DEFAULT_TOP = 5;

        private final Path model;
        private final List<Path> inputs;
        private Path statistics;
        private boolean tenCrop;
        private int top = DEFAULT_TOP;
        private String engine;
        private Consumer<String> progress = m -> {};

        private Options(Path model, List<Path> inputs) {
            this.model = model;
            this.inputs = List.copyOf(inputs);
        }

        /** ImageNet checkpoints: the statistics file (mean image) the run used, when not the default one. */
        public Options optStatistics(Path file) {
            this.statistics = file;
            return this;
        }

        /** Average over the paper's ten patches instead of the central one. */
        public Options optTenCrop(boolean tenCrop) {
            this.tenCrop = tenCrop;
            return this;
        }

        /** How many classes to list per image (default 5). */
        public Options optTop(int top) {
            if (top < 1) {
                throw new IllegalArgumentException("top must be at least 1, got " + top);
            }
            this.top = top;
            return this;
        }

        /** A DJL engine name (MXNet, PyTorch); null: DJL's default. */
        public Options optEngine(String engine) {
            this.engine = engine;
            return this;
        }

        /** Receives a line per image done (for long lists). */
        public Options optProgress(Consumer<String> progress) {
            this.progress = progress;
            return this;
        }
    }

    private Predict() {}

    /**
     * Options for {@code model} (a checkpoint, run folder, exported folder or torchvision .npz, see
     * {@link TrainedModel#open}) on {@code inputs} (image files and folders, searched recursively).
     */
    public static Options options(Path model, List<Path> inputs) {
        return new Options(model, inputs);
    }

    /** Opens the model, predicts every image, closes the model. */
    public static PredictionTable run(Options o) throws IOException {
        List<Path> files = expand(o.inputs);
        try (TrainedModel m = TrainedModel.open(o.model, o.statistics, o.engine)) {
            return run(m, files, o.tenCrop, o.top, o.progress);
        }
    }

    /** Predicts {@code files} with an open model; unreadable files become error rows. */
    public static PredictionTable run(
            TrainedModel m, List<Path> files, boolean tenCrop, int top, Consumer<String> progress) {
        PredictionTable table = new PredictionTable();
        List<String> names = m.getClassNames();
        int n = 0;
        for (Path f : files) {
            n++;
            try {
                float[] p = m.probabilities(f, tenCrop);
                int k = Math.min(top, p.length);
                int[] best = IntStream.range(0, p.length)
                        .boxed()
                        .sorted(Comparator.comparingDouble((Integer i) -> -p[i]).thenComparingInt(i -> i))
                        .limit(k)
                        .mapToInt(Integer::intValue)
                        .toArray();
                String[] bestNames = new String[k];
                float[] bestP = new float[k];
                for (int i = 0; i < k; i++) {
                    bestNames[i] = best[i] < names.size() ? names.get(best[i]) : "class " + best[i];
                    bestP[i] = p[best[i]];
                }
                table.add(new PredictionTable.Row(f, best, bestNames, bestP, null));
            } catch (IOException | RuntimeException e) {
                // The pipeline's one-line report; the other images go on.
                String why = e.getMessage() == null
                        ? e.getClass().getSimpleName()
                        : e.getMessage().lines().findFirst().orElse("");
                table.add(new PredictionTable.Row(f, new int[0], new String[0], new float[0], why));
            }
            progress.accept(String.format(Locale.ROOT, "%d/%d %s", n, files.size(), f.getFileName()));
        }
        return table;
    }

    /** Image files given and found in folders (recursively, sorted); a missing path is an error. */
    public static List<Path> expand(List<Path> inputs) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path p : inputs) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.walk(p)) {
                    s.filter(Files::isRegularFile)
                            .filter(Predict::isImageName)
                            .sorted()
                            .forEach(files::add);
                }
            } else if (Files.exists(p)) {
                files.add(p);
            } else {
                throw new IOException("no file or folder " + p + ": give image files or folders of images");
            }
        }
        if (files.isEmpty()) {
            throw new IOException("no images in " + inputs + " (looked for " + ImageNetLayout.IMAGE_EXTENSIONS + ")");
        }
        return files;
    }

    private static boolean isImageName(Path p) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0
                && ImageNetLayout.IMAGE_EXTENSIONS.contains(
                        name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
}
