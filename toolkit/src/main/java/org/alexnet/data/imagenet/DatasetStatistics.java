package org.alexnet.data.imagenet;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import org.alexnet.data.DatasetException;
import org.alexnet.data.transform.FloatImage;
import org.alexnet.data.transform.PcaLighting;
import org.alexnet.files.AtomicFiles;

/**
 * The training-set statistics the paper's preprocessing needs: the per-pixel mean image (3 x 256 x
 * 256, of the scaled and centre-cropped images, 0..255) and the eigen-decomposition of the 3 x 3
 * covariance of RGB values (pixels scaled to [0, 1]) for PCA lighting.
 *
 * <p>Computing them means decoding the training images once, so they are cached in a file whose
 * header notes the source (folder, classes, images used, date). A cache made from another folder or
 * class count is not reused.
 */
public final class DatasetStatistics {

    /**
     * The training images the statistics are computed from (the ImageNet dataset is one): an interface
     * so that this class does not depend on the dataset that uses it.
     */
    public interface Images {
        /** The folder the images come from, recorded in the cache to tell caches apart. */
        Path getRoot();

        int getClassCount();

        long size();

        /** Image {@code index} scaled and centre-cropped to the statistics' size, 0..255. */
        FloatImage loadCentered(int index) throws IOException;
    }

    private static final byte[] MAGIC = "ALEXNET-STATS 1\n".getBytes(StandardCharsets.US_ASCII);

    private final FloatImage mean;
    private final double[] eigenvalues;
    private final double[][] eigenvectors;
    private final Properties source;

    public DatasetStatistics(FloatImage mean, double[] eigenvalues, double[][] eigenvectors, Properties source) {
        this.mean = mean;
        this.eigenvalues = eigenvalues.clone();
        this.eigenvectors = new double[][] {eigenvectors[0].clone(), eigenvectors[1].clone(), eigenvectors[2].clone()};
        this.source = source;
    }

    /**
     * Computes the statistics over (a seeded sample of) the training images, on all cores.
     *
     * @param train the training split (its mode does not matter: the centred 256 images are used)
     * @param maxImages use at most this many images (0 = all); a few thousand give a mean image
     *     within a few grey levels of the full one
     * @param progress receives a progress line now and then (may be null)
     */
    public static DatasetStatistics compute(Images train, int maxImages, long seed, Consumer<String> progress)
            throws IOException {
        int n = (int) train.size();
        int[] chosen = sample(n, maxImages, seed);
        int threads = Runtime.getRuntime().availableProcessors();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "imagenet-statistics");
            t.setDaemon(true);
            return t;
        });
        AtomicInteger done = new AtomicInteger();
        long start = System.nanoTime();
        try {
            List<Future<Accumulator>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                parts.add(pool.submit(() -> {
                    Accumulator acc = null;
                    for (int k = first; k < chosen.length; k += threads) {
                        FloatImage img;
                        try {
                            img = train.loadCentered(chosen[k]);
                        } catch (UnreadableImageException e) {
                            continue;
                        }
                        if (acc == null) {
                            acc = new Accumulator(img.height());
                        }
                        acc.add(img);
                        int d = done.incrementAndGet();
                        if (progress != null && d % 500 == 0) {
                            double rate = d / ((System.nanoTime() - start) / 1e9);
                            progress.accept(String.format(
                                    Locale.ROOT,
                                    "dataset statistics: %d/%d images (%.0f img/s)",
                                    d,
                                    chosen.length,
                                    rate));
                        }
                    }
                    return acc;
                }));
            }
            Accumulator total = null;
            for (Future<Accumulator> f : parts) {
                Accumulator a = f.get();
                total = total == null ? a : a == null ? total : total.merge(a);
            }
            if (total == null) {
                throw new DatasetException(train.getRoot(), "no readable training image to compute the mean from");
            }
            Properties p = new Properties();
            p.setProperty("root", train.getRoot().toAbsolutePath().normalize().toString());
            p.setProperty("classes", Integer.toString(train.getClassCount()));
            p.setProperty("training_images", Integer.toString(n));
            p.setProperty("images_used", Long.toString(total.count));
            p.setProperty("seed", Long.toString(seed));
            p.setProperty("created", Instant.now().toString());
            p.setProperty("scale", Integer.toString(total.size));
            return total.finish(p);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while computing the dataset statistics", e);
        } catch (ExecutionException e) {
            throw new IOException("computing the dataset statistics failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Reads the statistics from {@code cache} when it was made from the same folder and classes,
     * else computes them and writes the cache (atomically).
     */
    public static DatasetStatistics loadOrCompute(
            Path cache, Images train, int maxImages, long seed, Consumer<String> log) throws IOException {
        String root = train.getRoot().toAbsolutePath().normalize().toString();
        if (Files.exists(cache)) {
            DatasetStatistics s = read(cache);
            if (root.equals(s.source.getProperty("root"))
                    && Integer.toString(train.getClassCount()).equals(s.source.getProperty("classes"))) {
                if (log != null) {
                    log.accept("dataset statistics: read " + cache + " (" + s.describeSource() + ")");
                }
                return s;
            }
            if (log != null) {
                log.accept("dataset statistics: " + cache + " was made from " + s.source.getProperty("root") + " ("
                        + s.source.getProperty("classes") + " classes): computing them again");
            }
        }
        if (log != null) {
            log.accept(
                    "dataset statistics: computing the mean image and RGB covariance (once, cached in " + cache + ")");
        }
        DatasetStatistics s = compute(train, maxImages, seed, log);
        s.write(cache);
        return s;
    }

    private static int[] sample(int n, int maxImages, long seed) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        if (maxImages <= 0 || maxImages >= n) {
            return all;
        }
        Random r = new Random(seed);
        for (int i = 0; i < maxImages; i++) {
            int j = i + r.nextInt(n - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        int[] out = Arrays.copyOf(all, maxImages);
        Arrays.sort(out);
        return out;
    }

    /** Per-thread sums. */
    static final class Accumulator {
        final int size;
        final double[] sum;
        final double[] rgb = new double[3];
        final double[] cross = new double[9];
        long count;
        long pixels;

        Accumulator(int size) {
            this.size = size;
            this.sum = new double[3 * size * size];
        }

        void add(FloatImage img) {
            float[] d = img.data();
            for (int i = 0; i < d.length; i++) {
                sum[i] += d[i];
            }
            int plane = size * size;
            for (int i = 0; i < plane; i++) {
                double r = d[i] / 255.0;
                double g = d[plane + i] / 255.0;
                double b = d[2 * plane + i] / 255.0;
                rgb[0] += r;
                rgb[1] += g;
                rgb[2] += b;
                cross[0] += r * r;
                cross[1] += r * g;
                cross[2] += r * b;
                cross[4] += g * g;
                cross[5] += g * b;
                cross[8] += b * b;
            }
            count++;
            pixels += plane;
        }

        Accumulator merge(Accumulator o) {
            for (int i = 0; i < sum.length; i++) {
                sum[i] += o.sum[i];
            }
            for (int i = 0; i < 3; i++) {
                rgb[i] += o.rgb[i];
            }
            for (int i = 0; i < 9; i++) {
                cross[i] += o.cross[i];
            }
            count += o.count;
            pixels += o.pixels;
            return this;
        }

        DatasetStatistics finish(Properties source) {
            float[] m = new float[sum.length];
            for (int i = 0; i < m.length; i++) {
                m[i] = (float) (sum[i] / count);
            }
            double[][] cov = new double[3][3];
            int[][] at = {{0, 1, 2}, {1, 4, 5}, {2, 5, 8}};
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    cov[i][j] = cross[at[i][j]] / pixels - (rgb[i] / pixels) * (rgb[j] / pixels);
                }
            }
            double[][] vectors = new double[3][3];
            double[] values = eigenSymmetric3(cov, vectors);
            return new DatasetStatistics(new FloatImage(3, size, size, m), values, vectors, source);
        }
    }

    /**
     * Eigenvalues (descending) and unit eigenvectors (vectors[i] belongs to values[i], largest
     * component made positive) of a symmetric 3 x 3 matrix, by Jacobi rotations.
     */
    static double[] eigenSymmetric3(double[][] matrix, double[][] vectors) {
        double[][] a = {matrix[0].clone(), matrix[1].clone(), matrix[2].clone()};
        double[][] v = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        for (int sweep = 0; sweep < 50; sweep++) {
            double off = a[0][1] * a[0][1] + a[0][2] * a[0][2] + a[1][2] * a[1][2];
            if (off < 1e-30) {
                break;
            }
            for (int p = 0; p < 2; p++) {
                for (int q = p + 1; q < 3; q++) {
                    if (Math.abs(a[p][q]) < 1e-300) {
                        continue;
                    }
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < 3; k++) {
                        double akp = a[k][p];
                        double akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < 3; k++) {
                        double apk = a[p][k];
                        double aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < 3; k++) {
                        double vkp = v[k][p];
                        double vkq = v[k][q];
                        v[k][p] = c * vkp - s * vkq;
                        v[k][q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        Integer[] order = {0, 1, 2};
        Arrays.sort(order, (x, y) -> Double.compare(a[y][y], a[x][x]));
        double[] values = new double[3];
        for (int i = 0; i < 3; i++) {
            int col = order[i];
            values[i] = a[col][col];
            int big = 0;
            for (int k = 1; k < 3; k++) {
                if (Math.abs(v[k][col]) > Math.abs(v[big][col])) {
                    big = k;
                }
            }
            double sign = v[big][col] < 0 ? -1 : 1;
            for (int k = 0; k < 3; k++) {
                vectors[i][k] = sign * v[k][col];
            }
        }
        return values;
    }

    /** Writes the statistics to {@code file} atomically: header, mean image, eigenpairs, CRC32. */
    public void write(Path file) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            StringWriter header = new StringWriter();
            source.store(header, "AlexNet toolkit dataset statistics");
            byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
            out.writeInt(h.length);
            out.write(h);
            out.writeInt(mean.height());
            for (float f : mean.data()) {
                out.writeFloat(f);
            }
            for (int i = 0; i < 3; i++) {
                out.writeDouble(eigenvalues[i]);
                for (int k = 0; k < 3; k++) {
                    out.writeDouble(eigenvectors[i][k]);
                }
            }
        }
        byte[] body = bytes.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(body);
        AtomicFiles.write(file, out -> {
            out.write(body);
            new DataOutputStream(out).writeLong(crc.getValue());
        });
    }

    /** Reads statistics written by {@link #write}. */
    public static DatasetStatistics read(Path file) throws IOException {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DatasetException(file, "no dataset statistics file " + file);
        }
        String fix = ": delete it and it will be computed again";
        if (all.length < MAGIC.length + 8 || !Arrays.equals(Arrays.copyOf(all, MAGIC.length), MAGIC)) {
            throw new DatasetException(file, file + " is not a dataset statistics file" + fix);
        }
        CRC32 crc = new CRC32();
        crc.update(all, 0, all.length - 8);
        long stored = ByteBuffer.wrap(all, all.length - 8, 8).getLong();
        if (stored != crc.getValue()) {
            throw new DatasetException(file, file + " is damaged (checksum mismatch)" + fix);
        }
        try (DataInputStream in =
                new DataInputStream(new ByteArrayInputStream(all, MAGIC.length, all.length - MAGIC.length - 8))) {
            byte[] h = new byte[in.readInt()];
            in.readFully(h);
            Properties p = new Properties();
            p.load(new StringReader(new String(h, StandardCharsets.UTF_8)));
            int size = in.readInt();
            float[] m = new float[3 * size * size];
            for (int i = 0; i < m.length; i++) {
                m[i] = in.readFloat();
            }
            double[] values = new double[3];
            double[][] vectors = new double[3][3];
            for (int i = 0; i < 3; i++) {
                values[i] = in.readDouble();
                for (int k = 0; k < 3; k++) {
                    vectors[i][k] = in.readDouble();
                }
            }
            return new DatasetStatistics(new FloatImage(3, size, size, m), values, vectors, p);
        } catch (IOException | RuntimeException e) {
            throw new DatasetException(file, file + " is damaged (" + e.getMessage() + ")" + fix, e);
        }
    }

    /** The mean image (3 x scale x scale, 0..255). */
    public FloatImage getMean() {
        return mean;
    }

    /** Eigenvalues of the RGB covariance of [0,1]-scaled pixels, largest first. */
    public double[] getEigenvalues() {
        return eigenvalues.clone();
    }

    /** Unit eigenvectors, row i for eigenvalue i. */
    public double[][] getEigenvectors() {
        return new double[][] {eigenvectors[0].clone(), eigenvectors[1].clone(), eigenvectors[2].clone()};
    }

    /** The per-channel means (R, G, B) of the mean image. */
    public double[] channelMeans() {
        float[] d = mean.data();
        int plane = mean.height() * mean.width();
        double[] out = new double[3];
        for (int c = 0; c < 3; c++) {
            double s = 0;
            for (int i = c * plane; i < (c + 1) * plane; i++) {
                s += d[i];
            }
            out[c] = s / plane;
        }
        return out;
    }

    /** PCA lighting from these eigenpairs, for 0..255 images. */
    public PcaLighting lighting(double std, long seed) {
        float[] l = new float[3];
        float[][] p = new float[3][3];
        for (int i = 0; i < 3; i++) {
            l[i] = (float) eigenvalues[i];
            for (int k = 0; k < 3; k++) {
                p[i][k] = (float) eigenvectors[i][k];
            }
        }
        return new PcaLighting(l, p, std, 255f, seed);
    }

    /** Where the statistics came from (folder, classes, images used, date). */
    public Properties getSource() {
        return (Properties) source.clone();
    }

    public String describeSource() {
        return String.format(
                Locale.ROOT,
                "%s images of %s, %s classes, made %s",
                source.getProperty("images_used"),
                source.getProperty("root"),
                source.getProperty("classes"),
                source.getProperty("created"));
    }
}
