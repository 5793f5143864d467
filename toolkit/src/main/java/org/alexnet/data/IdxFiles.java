package org.alexnet.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads and validates gzip-compressed IDX files (the MNIST family format): a big-endian header
 * (magic, counts, dimensions) followed by raw unsigned bytes.
 */
final class IdxFiles {

    static final int IMAGE_MAGIC = 0x00000803; // unsigned byte, 3 dimensions
    static final int LABEL_MAGIC = 0x00000801; // unsigned byte, 1 dimension

    private static final int BUFFER = 1 << 16;

    private IdxFiles() {}

    /** Images and labels of one split, all images back to back in one array. */
    record Data(byte[] pixels, byte[] labels, int count, int rows, int cols) {}

    /**
     * Loads an image file and its label file and checks that they belong together.
     *
     * @param imagesFile the {@code *-images-idx3-ubyte.gz} file
     * @param labelsFile the {@code *-labels-idx1-ubyte.gz} file
     * @param rows the required image height
     * @param cols the required image width
     * @param numClasses labels must lie in {@code 0..numClasses-1}
     * @param fix the "how to get it" hint appended to every error message
     * @return the validated data
     * @throws DatasetException naming the file and the problem
     */
    static Data load(Path imagesFile, Path labelsFile, int rows, int cols, int numClasses, String fix) {
        byte[][] images = new byte[1][];
        int count = read(imagesFile, IMAGE_MAGIC, rows, cols, images, fix);
        byte[][] labels = new byte[1][];
        int labelCount = read(labelsFile, LABEL_MAGIC, 0, 0, labels, fix);
        if (labelCount != count) {
            throw new DatasetException(
                    labelsFile,
                    String.format(
                            "Fashion-MNIST file %s holds %d labels but %s holds %d images; %s",
                            labelsFile, labelCount, imagesFile.getFileName(), count, fix));
        }
        byte[] l = labels[0];
        for (int i = 0; i < l.length; i++) {
            int label = l[i] & 0xFF;
            if (label >= numClasses) {
                throw new DatasetException(
                        labelsFile,
                        String.format(
                                "Fashion-MNIST file %s has label %d at index %d (expected 0..%d);" + " %s",
                                labelsFile, label, i, numClasses - 1, fix));
            }
        }
        return new Data(images[0], l, count, rows, cols);
    }

    /** Reads one file into {@code out[0]} and returns the item count from its header. */
    private static int read(Path file, int magic, int rows, int cols, byte[][] out, String fix) {
        if (!Files.isRegularFile(file)) {
            String name = file.getFileName().toString();
            Path plain = file.resolveSibling(name.endsWith(".gz") ? name.substring(0, name.length() - 3) : name);
            if (!plain.equals(file) && Files.isRegularFile(plain)) {
                throw problem(
                        file,
                        "is missing, but " + plain.getFileName() + " (uncompressed) is there",
                        "compress it with: gzip -k " + plain,
                        null);
            }
            throw problem(file, "is missing", fix, null);
        }
        try {
            if (Files.size(file) == 0) {
                throw problem(file, "is empty", fix, null);
            }
        } catch (IOException e) {
            throw problem(file, "cannot be read (" + oneLine(e) + ")", fix, e);
        }
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in =
                        new DataInputStream(new BufferedInputStream(new GZIPInputStream(raw, BUFFER), BUFFER))) {
            int actualMagic = in.readInt();
            if (actualMagic != magic) {
                throw problem(
                        file,
                        String.format(
                                "has wrong magic number 0x%08X (expected 0x%08X for an IDX%d %s" + " file)",
                                actualMagic, magic, magic & 0xFF, magic == IMAGE_MAGIC ? "image" : "label"),
                        fix,
                        null);
            }
            int count = in.readInt();
            long itemSize = 1;
            if (magic == IMAGE_MAGIC) {
                int r = in.readInt();
                int c = in.readInt();
                if (r != rows || c != cols) {
                    throw problem(
                            file, String.format("has %dx%d images (expected %dx%d)", r, c, rows, cols), fix, null);
                }
                itemSize = (long) rows * cols;
            }
            long total = count * itemSize;
            if (count < 0 || total > Integer.MAX_VALUE - 8) {
                throw problem(file, "has an invalid item count " + count + " in its header", fix, null);
            }
            byte[] data = new byte[(int) total];
            int got = readFully(in, data);
            if (got < data.length) {
                throw problem(
                        file,
                        String.format(
                                "is truncated (header announces %d items = %d bytes, file holds" + " %d)",
                                count, total, got),
                        fix,
                        null);
            }
            // Reading to the end also makes GZIPInputStream verify the CRC in the gzip trailer.
            if (in.read() != -1) {
                throw problem(file, "has extra data after the " + count + " items its header announces", fix, null);
            }
            out[0] = data;
            return count;
        } catch (DatasetException e) {
            throw e;
        } catch (EOFException e) {
            throw problem(file, "is truncated (" + oneLine(e) + ")", fix, e);
        } catch (ZipException e) {
            throw problem(file, "is not a valid gzip file (" + oneLine(e) + ")", fix, e);
        } catch (IOException e) {
            throw problem(file, "cannot be read (" + oneLine(e) + ")", fix, e);
        }
    }

    /** Like readFully, but returns how many bytes were available instead of throwing. */
    private static int readFully(InputStream in, byte[] data) throws IOException {
        int off = 0;
        while (off < data.length) {
            int n = in.read(data, off, data.length - off);
            if (n < 0) {
                break;
            }
            off += n;
        }
        return off;
    }

    private static DatasetException problem(Path file, String what, String fix, Throwable cause) {
        return new DatasetException(file, "Fashion-MNIST file " + file + " " + what + "; " + fix, cause);
    }

    private static String oneLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replaceAll("\\s+", " ").trim();
    }
}
