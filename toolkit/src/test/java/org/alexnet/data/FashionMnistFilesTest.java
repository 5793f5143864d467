package org.alexnet.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.training.dataset.Dataset.Usage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding the files, and rejecting broken ones with a useful message. No engine needed. */
class FashionMnistFilesTest {

    static final String IMAGES = "train-images-idx3-ubyte.gz";
    static final String LABELS = "train-labels-idx1-ubyte.gz";
    static final int N = 20;

    @TempDir
    Path dir;

    /** An IDX file: big-endian magic, dimensions, then the bytes; gzip-compressed. */
    static byte[] idx(int magic, int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(bytes))) {
            out.writeInt(magic);
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(data);
        }
        return bytes.toByteArray();
    }

    static byte[] images(int count, int rows, int cols) throws IOException {
        byte[] pixels = new byte[count * rows * cols];
        new Random(1).nextBytes(pixels);
        return idx(0x803, new int[] {count, rows, cols}, pixels);
    }

    static byte[] labels(int count) throws IOException {
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            labels[i] = (byte) (i % 10);
        }
        return idx(0x801, new int[] {count}, labels);
    }

    /** Writes a small but valid train split into {@code target}. */
    static void writeValidSplit(Path target) throws IOException {
        Files.createDirectories(target);
        Files.write(target.resolve(IMAGES), images(N, 28, 28));
        Files.write(target.resolve(LABELS), labels(N));
    }

    FashionMnist dataset() {
        return FashionMnist.builder().optDirectory(dir).setSampling(4, false).build();
    }

    /** Loads {@link #dir} and checks the error names the file, the problem and the fix. */
    String rejects(String file, String problem) {
        DatasetException e =
                assertThrows(DatasetException.class, () -> dataset().prepare());
        String message = e.getMessage();
        assertTrue(message.contains(dir.resolve(file).toString()), message);
        assertTrue(message.contains(problem), message);
        assertTrue(
                message.endsWith(
                        "install it with: apt-get install dataset-fashion-mnist, or set" + " FASHION_MNIST_DIR"),
                message);
        assertFalse(message.contains("\n"), "message must be one line: " + message);
        assertEquals(dir.resolve(file), e.getFile());
        return message;
    }

    @Test
    void smallValidSplitLoads() throws Exception {
        writeValidSplit(dir);
        FashionMnist ds = dataset();
        ds.prepare();
        assertEquals(N, ds.size());
        assertEquals(dir, ds.getDirectory());
        assertEquals(7, ds.getLabel(17));
    }

    @Test
    void missingFile() throws IOException {
        rejects(IMAGES, "is missing");
        Files.write(dir.resolve(IMAGES), images(N, 28, 28));
        rejects(LABELS, "is missing");
    }

    @Test
    void emptyFile() throws IOException {
        writeValidSplit(dir);
        Files.write(dir.resolve(IMAGES), new byte[0]);
        rejects(IMAGES, "is empty");
    }

    @Test
    void truncatedGzipStream() throws IOException {
        writeValidSplit(dir);
        byte[] whole = images(N, 28, 28);
        Files.write(dir.resolve(IMAGES), Arrays.copyOf(whole, whole.length / 2));
        rejects(IMAGES, "is truncated");
    }

    @Test
    void fewerImagesThanTheHeaderSays() throws IOException {
        writeValidSplit(dir);
        byte[] pixels = new byte[(N - 1) * 784];
        Files.write(dir.resolve(IMAGES), idx(0x803, new int[] {N, 28, 28}, pixels));
        String message = rejects(IMAGES, "is truncated");
        assertTrue(message.contains("header announces 20 items = 15680 bytes, file holds 14896"), message);
    }

    @Test
    void wrongMagicNumber() throws IOException {
        writeValidSplit(dir);
        // A label file under the image file's name.
        Files.write(dir.resolve(IMAGES), labels(N));
        rejects(IMAGES, "has wrong magic number 0x00000801 (expected 0x00000803");
        writeValidSplit(dir);
        Files.write(dir.resolve(LABELS), images(N, 28, 28));
        rejects(LABELS, "has wrong magic number 0x00000803 (expected 0x00000801");
    }

    @Test
    void notGzipAtAll() throws IOException {
        writeValidSplit(dir);
        byte[] garbage = new byte[5000];
        new Random(3).nextBytes(garbage);
        garbage[0] = 'x';
        Files.write(dir.resolve(IMAGES), garbage);
        rejects(IMAGES, "is not a valid gzip file");
    }

    @Test
    void gzipHeaderFollowedByGarbage() throws IOException {
        writeValidSplit(dir);
        byte[] garbage = new byte[5000];
        new Random(4).nextBytes(garbage);
        byte[] header = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
        System.arraycopy(header, 0, garbage, 0, header.length);
        garbage[10] = (byte) 0xFF; // deflate block type 3: reserved, always invalid
        Files.write(dir.resolve(LABELS), garbage);
        rejects(LABELS, "is not a valid gzip file");
    }

    @Test
    void corruptedCrcIsCaught() throws IOException {
        writeValidSplit(dir);
        byte[] file = labels(N);
        file[file.length - 8] ^= 0x55; // first byte of the CRC32 in the gzip trailer
        Files.write(dir.resolve(LABELS), file);
        rejects(LABELS, "is not a valid gzip file");
    }

    @Test
    void wrongImageSize() throws IOException {
        writeValidSplit(dir);
        Files.write(dir.resolve(IMAGES), images(N, 32, 32));
        rejects(IMAGES, "has 32x32 images (expected 28x28)");
    }

    @Test
    void labelCountDiffersFromImageCount() throws IOException {
        writeValidSplit(dir);
        Files.write(dir.resolve(LABELS), labels(N - 1));
        rejects(LABELS, "holds 19 labels but " + IMAGES + " holds 20 images");
    }

    @Test
    void labelOutOfRange() throws IOException {
        writeValidSplit(dir);
        byte[] labels = new byte[N];
        labels[5] = 10;
        Files.write(dir.resolve(LABELS), idx(0x801, new int[] {N}, labels));
        rejects(LABELS, "has label 10 at index 5 (expected 0..9)");
    }

    @Test
    void trailingData() throws IOException {
        writeValidSplit(dir);
        Files.write(dir.resolve(LABELS), idx(0x801, new int[] {N}, new byte[N + 3]));
        rejects(LABELS, "has extra data after the 20 items");
    }

    @Test
    void explicitDirectoryWinsAndIsNotSecondGuessed() throws IOException {
        Path system = dir.resolve("system");
        writeValidSplit(system);
        Path explicit = dir.resolve("explicit-but-empty");
        assertEquals(explicit, FashionMnist.resolveDirectory(explicit, "/env", dir, system, Usage.TRAIN));
    }

    @Test
    void environmentVariableComesNext() throws IOException {
        Path system = dir.resolve("system");
        writeValidSplit(system);
        Path project = dir.resolve("project");
        writeValidSplit(project.resolve("datasets/fashion-mnist"));
        assertEquals(
                Path.of("/from/env"), FashionMnist.resolveDirectory(null, "/from/env", project, system, Usage.TRAIN));
        // Blank counts as unset.
        assertEquals(
                project.resolve("datasets/fashion-mnist"),
                FashionMnist.resolveDirectory(null, " ", project, system, Usage.TRAIN));
    }

    @Test
    void projectFolderIsFoundFromASubdirectory() throws IOException {
        Path system = dir.resolve("system");
        writeValidSplit(system);
        Path project = dir.resolve("project");
        Path notebooks = Files.createDirectories(project.resolve("notebooks/week1"));
        writeValidSplit(project.resolve("datasets/fashion-mnist"));
        assertEquals(
                project.resolve("datasets/fashion-mnist"),
                FashionMnist.resolveDirectory(null, null, notebooks, system, Usage.TRAIN));
        // The project copy lacks the test split, so TEST falls through to the system copy.
        Files.write(system.resolve("t10k-images-idx3-ubyte.gz"), images(N, 28, 28));
        Files.write(system.resolve("t10k-labels-idx1-ubyte.gz"), labels(N));
        assertEquals(system, FashionMnist.resolveDirectory(null, null, notebooks, system, Usage.TEST));
    }

    @Test
    void nothingFoundNamesTheFileAndTheFix() {
        Path system = dir.resolve("system");
        DatasetException e = assertThrows(
                DatasetException.class, () -> FashionMnist.resolveDirectory(null, null, dir, system, Usage.TEST));
        String message = e.getMessage();
        assertTrue(message.contains("t10k-images-idx3-ubyte.gz not found in " + system), message);
        assertTrue(message.contains("apt-get install dataset-fashion-mnist"), message);
        assertTrue(message.contains("FASHION_MNIST_DIR"), message);
        assertFalse(message.contains("\n"));
    }

    @Test
    void validationSplitAndBadOptionsAreRejected() {
        assertThrows(
                IllegalArgumentException.class, () -> FashionMnist.builder().optUsage(Usage.VALIDATION));
        assertThrows(
                IllegalArgumentException.class, () -> FashionMnist.builder().optSubset(15, 1));
        assertThrows(
                IllegalArgumentException.class, () -> FashionMnist.builder().optResolution(0));
    }

    @Test
    void loaderReadsBackWhatWasWritten() throws IOException {
        writeValidSplit(dir);
        FashionMnist ds = dataset();
        byte[] expected = new byte[N * 784];
        new Random(1).nextBytes(expected);
        assertEquals(Arrays.toString(Arrays.copyOfRange(expected, 3 * 784, 4 * 784)), Arrays.toString(ds.getPixels(3)));
        assertEquals(3, ds.getLabel(13));
    }
}
