package org.alexnet.train;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;

/**
 * One file holding everything needed to continue a run exactly: the model parameters, the
 * optimiser's momentum buffers, the learning-rate state, the recipe, the history and free-form
 * metadata (model variant, engine, dataset).
 *
 * <p>Layout: magic, format version, a properties block, the parameters as written by
 * {@link Block#saveParameters}, the optimiser state, then a trailer with the payload length and its
 * CRC-32. Files are written through {@link AtomicFiles}, so a kill or a full disk leaves the previous
 * checkpoint in place, and a truncated or damaged file is detected before anything is loaded.
 */
public final class Checkpoint {

    /** File name of the checkpoint written after every epoch. */
    public static final String LAST = "last.ckpt";

    /** File name of the checkpoint with the best validation accuracy so far. */
    public static final String BEST = "best.ckpt";

    private static final byte[] MAGIC = "ALEXNET-CKPT".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int VERSION = 1;
    private static final int TRAILER = Long.BYTES + Long.BYTES;

    /** The properties block and where the binary sections start, from a verified file. */
    public static final class Header {
        private final Properties properties;
        private final byte[] payload;
        private final int payloadLength;
        private final int binaryOffset;

        Header(Properties properties, byte[] payload, int payloadLength, int binaryOffset) {
            this.properties = properties;
            this.payload = payload;
            this.payloadLength = payloadLength;
            this.binaryOffset = binaryOffset;
        }

        public Properties getProperties() {
            return properties;
        }

        /** The epoch after which the checkpoint was written (1-based). */
        public int getEpoch() {
            return Integer.parseInt(properties.getProperty("epoch"));
        }

        /** Loads the parameters into {@code block} and the optimiser state into {@code optimizer}. */
        public void restore(Block block, PaperSgd optimizer, NDManager manager, ParameterNames names)
                throws IOException {
            // DJL takes the shapes from the file, so a checkpoint of another network would load
            // silently; compare with the shapes this network was initialised with.
            java.util.Map<String, ai.djl.ndarray.types.Shape> expected = new java.util.LinkedHashMap<>();
            block.getParameters().forEach(p -> expected.put(p.getKey(), p.getValue().getArray().getShape()));
            try (DataInputStream in = new DataInputStream(
                    new ByteArrayInputStream(payload, binaryOffset, payloadLength - binaryOffset))) {
                block.loadParameters(manager, in);
                for (var p : block.getParameters()) {
                    ai.djl.ndarray.types.Shape got = p.getValue().getArray().getShape();
                    if (!got.equals(expected.get(p.getKey()))) {
                        throw new CheckpointException(
                                "checkpoint does not fit this model: " + p.getKey() + " is " + got + " in the file but "
                                        + expected.get(p.getKey()) + " in the model; use the same model options as the run that wrote it");
                    }
                }
                if (optimizer != null) {
                    optimizer.loadState(in, manager, names::idOf);
                }
            } catch (MalformedModelException e) {
                throw new CheckpointException(
                        "checkpoint does not fit this model (" + e.getMessage()
                                + "): use the same --model options as the run that wrote it", e);
            }
        }

        /** Loads only the model parameters (for evaluation). */
        public void restoreParameters(Block block, NDManager manager) throws IOException {
            restore(block, null, manager, null);
        }
    }

    private Checkpoint() {}

    /**
     * Writes a checkpoint atomically.
     *
     * @param file target file (e.g. {@code out/last.ckpt})
     * @param properties epoch, recipe, schedule state, history and metadata
     */
    public static void save(Path file, Properties properties, Block block, PaperSgd optimizer, ParameterNames names)
            throws IOException {
        try {
            AtomicFiles.write(file, out -> {
                CRC32 crc = new CRC32();
                CountingStream counted = new CountingStream(out);
                DataOutputStream data = new DataOutputStream(new CheckedOutputStream(counted, crc));
                data.write(MAGIC);
                data.writeInt(VERSION);
                StringWriter text = new StringWriter();
                properties.store(text, null);
                byte[] props = text.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                data.writeInt(props.length);
                data.write(props);
                block.saveParameters(data);
                optimizer.saveState(data, names::nameOf);
                data.flush();
                long length = counted.count;
                DataOutputStream trailer = new DataOutputStream(out);
                trailer.writeLong(length);
                trailer.writeLong(crc.getValue());
                trailer.flush();
            });
        } catch (IOException e) {
            throw new IOException(
                    "could not write checkpoint " + file + " (" + e.getMessage() + "): free disk space or"
                            + " choose another --output; the previous checkpoint is intact",
                    e);
        }
    }

    /**
     * Makes {@code target} a copy of {@code source} atomically: a hard link where the file system
     * allows (no second write of a large file), a byte copy otherwise.
     */
    public static void copy(Path source, Path target) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".link");
        Files.deleteIfExists(tmp);
        try {
            Files.createLink(tmp, source);
        } catch (UnsupportedOperationException | IOException e) {
            Files.copy(source, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Reads and verifies a checkpoint (magic, version, length, CRC) without loading arrays.
     *
     * @throws CheckpointException with a one-line explanation when the file is missing, truncated or
     *     damaged
     */
    public static Header read(Path file) throws IOException {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CheckpointException("no checkpoint at " + file + ": train first, or point to the folder of an earlier run");
        }
        if (all.length < MAGIC.length + TRAILER || !startsWithMagic(all)) {
            throw new CheckpointException(file + " is not an AlexNet checkpoint (or is truncated to " + all.length + " bytes)");
        }
        ByteBuffer tail = ByteBuffer.wrap(all, all.length - TRAILER, TRAILER);
        long length = tail.getLong();
        long crcValue = tail.getLong();
        if (length != all.length - TRAILER) {
            throw new CheckpointException(
                    file + " is truncated or damaged (" + all.length + " bytes; its trailer does not match):"
                            + " delete it and resume from an earlier copy, or start again");
        }
        CRC32 crc = new CRC32();
        crc.update(all, 0, (int) length);
        if (crc.getValue() != crcValue) {
            throw new CheckpointException(file + " is damaged (checksum mismatch): delete it and start again");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, 0, (int) length))) {
            in.skipNBytes(MAGIC.length);
            int version = in.readInt();
            if (version != VERSION) {
                throw new CheckpointException(file + " has format version " + version + ", this toolkit reads " + VERSION);
            }
            byte[] props = new byte[in.readInt()];
            in.readFully(props);
            Properties p = new Properties();
            p.load(new StringReader(new String(props, java.nio.charset.StandardCharsets.ISO_8859_1)));
            int offset = MAGIC.length + Integer.BYTES + Integer.BYTES + props.length;
            return new Header(p, all, (int) length, offset);
        }
    }

    /**
     * Reads only the properties block (epoch, recipe, metadata), without loading or verifying the
     * arrays: for deciding how to rebuild a run before {@link #read(Path)} loads it.
     */
    public static Properties readProperties(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!startsWithMagic(magic)) {
                throw new CheckpointException(file + " is not an AlexNet checkpoint");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new CheckpointException(file + " has format version " + version + ", this toolkit reads " + VERSION);
            }
            byte[] props = new byte[in.readInt()];
            in.readFully(props);
            Properties p = new Properties();
            p.load(new StringReader(new String(props, java.nio.charset.StandardCharsets.ISO_8859_1)));
            return p;
        } catch (NoSuchFileException e) {
            throw new CheckpointException("no checkpoint at " + file + ": train first, or point to the folder of an earlier run");
        } catch (java.io.EOFException | NegativeArraySizeException e) {
            throw new CheckpointException(file + " is truncated or damaged: delete it and start again");
        }
    }

    private static boolean startsWithMagic(byte[] all) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (all[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /** Counts bytes on their way to the file. */
    private static final class CountingStream extends java.io.FilterOutputStream {
        long count;

        CountingStream(java.io.OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
