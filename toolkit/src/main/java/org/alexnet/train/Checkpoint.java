package org.alexnet.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;
import org.alexnet.files.AtomicFiles;
import org.alexnet.model.ModelSpec;

/**
 * One file holding everything needed to continue a run exactly: the model parameters, the
 * optimiser's momentum buffers, the learning-rate state, the recipe, the history and free-form
 * metadata (model variant, engine, dataset).
 *
 * <p>Layout: magic, format version, a properties block, the parameters (count, then name and array
 * for each, in {@link Block#getParameters} order), the optimiser state, then a trailer with the payload
 * length and its CRC-32. Arrays go through {@link ArrayStreams}, never whole on the Java heap, so a
 * notebook kernel's small heap can save and load AlexNet. Files are written through
 * {@link AtomicFiles}, so a kill or a full disk leaves the previous checkpoint in place, and a
 * truncated or damaged file is detected before anything is loaded.
 */
public final class Checkpoint {

    /** File name of the checkpoint written after every epoch. */
    public static final String LAST = "last.ckpt";

    /** File name of the checkpoint with the best validation accuracy so far. */
    public static final String BEST = "best.ckpt";

    private static final byte[] MAGIC = "ALEXNET-CKPT".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 2;
    private static final int TRAILER = Long.BYTES + Long.BYTES;

    /** The properties block and where the binary sections start, from a verified file. */
    public static final class Header {
        private final Path file;
        private final Properties properties;
        private final long binaryOffset;

        Header(Path file, Properties properties, long binaryOffset) {
            this.file = file;
            this.properties = properties;
            this.binaryOffset = binaryOffset;
        }

        Properties getProperties() {
            return properties;
        }

        /** The epoch after which the checkpoint was written (1-based). */
        public int getEpoch() {
            return Integer.parseInt(properties.getProperty(EPOCH));
        }

        /** The run's spec, recipe, history and the rest. */
        public RunState state() throws CheckpointException {
            return fromProperties(properties, file);
        }

        /** Loads the parameters into {@code block} and the optimiser state into {@code optimizer}. */
        public void restore(Block block, PaperSgd optimizer, NDManager manager, ParameterNames names)
                throws IOException {
            try (DataInputStream in =
                    new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
                in.skipNBytes(binaryOffset);
                var parameters = block.getParameters();
                int count = in.readInt();
                if (count != parameters.size()) {
                    throw new CheckpointException(
                            "checkpoint does not fit this model: it holds " + count + " parameters, the model has "
                                    + parameters.size() + "; use the same model options as the run that wrote it");
                }
                for (var p : parameters) {
                    String name = in.readUTF();
                    if (!name.equals(p.getKey())) {
                        throw new CheckpointException(
                                "checkpoint does not fit this model: it holds " + name + " where the model has "
                                        + p.getKey() + "; use the same model options as the run that wrote it");
                    }
                    ArrayStreams.readInto(in, p.getValue().getArray(), name);
                }
                if (optimizer != null) {
                    optimizer.loadState(in, manager, names::idOf);
                }
            } catch (EOFException e) {
                throw new CheckpointException(file + " ended early while loading: delete it and start again", e);
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
     * @param state everything but the arrays
     */
    public static void save(Path file, RunState state, Block block, PaperSgd optimizer, ParameterNames names)
            throws IOException {
        save(file, toProperties(state), block, optimizer, names);
    }

    static void save(Path file, Properties properties, Block block, PaperSgd optimizer, ParameterNames names)
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
                byte[] props = text.toString().getBytes(StandardCharsets.ISO_8859_1);
                data.writeInt(props.length);
                data.write(props);
                var parameters = block.getParameters();
                data.writeInt(parameters.size());
                for (var p : parameters) {
                    data.writeUTF(p.getKey());
                    ArrayStreams.write(data, p.getValue().getArray());
                }
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
     * Reads and verifies a checkpoint (magic, version, length, CRC) without loading arrays.
     *
     * @throws CheckpointException with a one-line explanation when the file is missing, truncated or
     *     damaged
     */
    public static Header read(Path file) throws IOException {
        PropertiesBlock head = readPropertiesBlock(file); // a missing or foreign file fails here
        long size = Files.size(file);
        if (size < MAGIC.length + TRAILER) {
            throw new CheckpointException(file + " is truncated (" + size + " bytes): delete it and start again");
        }
        long length;
        long crcValue;
        CRC32 crc = new CRC32();
        try (var channel = FileChannel.open(file)) {
            ByteBuffer tail = ByteBuffer.allocate(TRAILER);
            channel.read(tail, size - TRAILER);
            tail.flip();
            length = tail.getLong();
            crcValue = tail.getLong();
            if (length != size - TRAILER) {
                throw new CheckpointException(
                        file + " is truncated or damaged (" + size + " bytes; its trailer does not match):"
                                + " delete it and resume from an earlier copy, or start again");
            }
            ByteBuffer chunk = ByteBuffer.allocate(1 << 16);
            long position = 0;
            while (position < length) {
                chunk.clear().limit((int) Math.min(chunk.capacity(), length - position));
                int n = channel.read(chunk, position);
                if (n < 0) {
                    throw new CheckpointException(file + " is truncated: delete it and start again");
                }
                crc.update(chunk.array(), 0, n);
                position += n;
            }
        }
        if (crc.getValue() != crcValue) {
            throw new CheckpointException(file + " is damaged (checksum mismatch): delete it and start again");
        }
        return new Header(file, head.properties(), MAGIC.length + Integer.BYTES + Integer.BYTES + head.length());
    }

    /**
     * Reads only the run state (spec, recipe, epoch, metadata), without loading or verifying the
     * arrays: for deciding how to rebuild a run before {@link #read(Path)} loads it.
     */
    public static RunState readState(Path file) throws IOException {
        return fromProperties(readPropertiesBlock(file).properties(), file);
    }

    /** A model made from a checkpoint and the state of the run that wrote it. */
    public record Loaded(Model model, RunState state) implements AutoCloseable {
        @Override
        public void close() {
            model.close();
        }
    }

    /**
     * The network a checkpoint holds, ready for inference: the file is verified, the spec read, the
     * network built on {@code device} of {@code engine} and its parameters loaded. A folder means its
     * {@value #LAST}.
     */
    public static Loaded loadModel(Path file, String engine, Device device) throws IOException {
        if (Files.isDirectory(file)) {
            file = file.resolve(LAST);
        }
        return loadModel(read(file), engine, device);
    }

    /** {@link #loadModel(Path, String, Device)} for a file already verified by {@link #read}. */
    public static Loaded loadModel(Header header, String engine, Device device) throws IOException {
        RunState state = header.state();
        Model model = Training.newModel(state.spec(), engine, device);
        try {
            Training.initialize(model, state.spec().inputShape(state.recipe().getResolution()));
            header.restoreParameters(model.getBlock(), model.getNDManager());
            return new Loaded(model, state);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    // ---- the properties block: the only place that knows its keys ---------------------------------

    private static final String EPOCH = "epoch";
    private static final String HISTORY = "history";
    private static final String ENGINE = "engine";
    private static final String META = "meta.";
    private static final String RECIPE = "recipe.";
    private static final String LR = "lr.";
    private static final String PARTIAL = "partial.";
    // Facts about the data, under META beside the spec's keys.
    private static final String DATASET = "dataset";
    private static final String DATA_ROOT = "data_root";
    private static final String LIGHTING = "lighting";
    private static final String PIXEL_SCALE = "pixel_scale";
    private static final String STATISTICS_FILE = "statistics_file";
    private static final String STATISTICS_IMAGES = "statistics_images";
    private static final String AUGMENTATION = "augmentation";
    private static final String CROP_FLIP = "crop-flip";

    private static Properties toProperties(RunState s) {
        Properties p = new Properties();
        p.setProperty(META + DATASET, s.datasetName());
        p.setProperty(META + AUGMENTATION, s.augmented() ? CROP_FLIP : "none");
        ImageNetData.Facts data = s.imageNet();
        if (data != null) {
            if (data.root() != null) {
                p.setProperty(META + DATA_ROOT, data.root().toString());
            }
            p.setProperty(META + LIGHTING, Boolean.toString(data.lighting()));
            p.setProperty(META + PIXEL_SCALE, Float.toString(data.pixelScale()));
            if (data.statisticsFile() != null) {
                p.setProperty(META + STATISTICS_FILE, data.statisticsFile().toString());
            }
            p.setProperty(META + STATISTICS_IMAGES, Integer.toString(data.statisticsImages()));
        }
        s.spec().toProperties().forEach((k, v) -> p.setProperty(META + k, v.toString()));
        s.recipe().toProperties().forEach((k, v) -> p.setProperty(RECIPE + k, v.toString()));
        LearningRateSchedule.State lr = s.schedule();
        p.setProperty(LR + "current", Float.toString(lr.current()));
        p.setProperty(LR + "best", Double.toString(lr.best()));
        p.setProperty(LR + "epochsSinceBest", Integer.toString(lr.epochsSinceBest()));
        p.setProperty(LR + "drops", Integer.toString(lr.drops()));
        p.setProperty(EPOCH, Integer.toString(s.epoch()));
        p.setProperty(HISTORY, s.history().toCsv());
        p.setProperty(ENGINE, s.engine());
        RunState.PartialEpoch partial = s.partial();
        if (partial != null) {
            p.setProperty(PARTIAL + "epoch", Integer.toString(partial.epoch()));
            p.setProperty(PARTIAL + "batches", Integer.toString(partial.batches()));
            p.setProperty(PARTIAL + "loss_sum", Double.toString(partial.lossSum()));
            p.setProperty(PARTIAL + "correct", Long.toString(partial.correct()));
            p.setProperty(PARTIAL + "seen", Long.toString(partial.seen()));
            p.setProperty(PARTIAL + "seconds", Double.toString(partial.seconds()));
        }
        return p;
    }

    private static RunState fromProperties(Properties p, Path file) throws CheckpointException {
        try {
            Properties meta = withPrefix(p, META);
            ModelSpec spec = ModelSpec.fromProperties(meta);
            String dataset = meta.getProperty(DATASET, RunState.DEFAULT_DATASET);
            ImageNetData.Facts data = null;
            if (ImageNetData.NAME.equals(dataset)) {
                // Checkpoints written before a fact was recorded had the defaults of that time.
                String root = meta.getProperty(DATA_ROOT);
                String statistics = meta.getProperty(STATISTICS_FILE);
                data = new ImageNetData.Facts(
                        root == null ? null : Path.of(root),
                        Boolean.parseBoolean(
                                meta.getProperty(LIGHTING, Boolean.toString(ImageNetData.DEFAULT_LIGHTING))),
                        meta.getProperty(PIXEL_SCALE) == null
                                ? ImageNetData.DEFAULT_PIXEL_SCALE
                                : Float.parseFloat(meta.getProperty(PIXEL_SCALE)),
                        statistics == null ? null : Path.of(statistics),
                        meta.getProperty(STATISTICS_IMAGES) == null
                                ? ImageNetData.DEFAULT_STATISTICS_IMAGES
                                : Integer.parseInt(meta.getProperty(STATISTICS_IMAGES)),
                        spec.getClasses());
            }
            Recipe recipe = Recipe.fromProperties(withPrefix(p, RECIPE));
            LearningRateSchedule.State lr = new LearningRateSchedule.State(
                    Float.parseFloat(p.getProperty(LR + "current")), Double.parseDouble(p.getProperty(LR + "best")),
                    Integer.parseInt(p.getProperty(LR + "epochsSinceBest")),
                            Integer.parseInt(p.getProperty(LR + "drops")));
            RunState.PartialEpoch partial = p.getProperty(PARTIAL + "epoch") == null
                    ? null
                    : new RunState.PartialEpoch(
                            Integer.parseInt(p.getProperty(PARTIAL + "epoch")),
                            Integer.parseInt(p.getProperty(PARTIAL + "batches")),
                            Double.parseDouble(p.getProperty(PARTIAL + "loss_sum")),
                            Long.parseLong(p.getProperty(PARTIAL + "correct")),
                            Long.parseLong(p.getProperty(PARTIAL + "seen")),
                            Double.parseDouble(p.getProperty(PARTIAL + "seconds")));
            return new RunState(
                    spec,
                    recipe,
                    Integer.parseInt(p.getProperty(EPOCH)),
                    History.fromCsv(p.getProperty(HISTORY)),
                    lr,
                    partial,
                    dataset,
                    data,
                    CROP_FLIP.equals(meta.getProperty(AUGMENTATION)),
                    p.getProperty(ENGINE, ""));
        } catch (RuntimeException e) {
            throw new CheckpointException(
                    file + " does not describe a run this toolkit can read (" + e.getMessage()
                            + "): train again, or use the toolkit version that wrote it",
                    e);
        }
    }

    private static Properties withPrefix(Properties p, String prefix) {
        Properties out = new Properties();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith(prefix)) {
                out.setProperty(key.substring(prefix.length()), p.getProperty(key));
            }
        }
        return out;
    }

    /** The properties block and its length in bytes. */
    private record PropertiesBlock(Properties properties, int length) {}

    private static PropertiesBlock readPropertiesBlock(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            byte[] magic = new byte[MAGIC.length];
            if (in.readNBytes(magic, 0, magic.length) < magic.length || !startsWithMagic(magic)) {
                throw new CheckpointException(file + " is not an AlexNet checkpoint (or is truncated)");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new CheckpointException(file + " has format version " + version + ", this toolkit reads "
                        + VERSION + ": evaluate or resume it with the toolkit version that wrote it, or train again");
            }
            int n = in.readInt();
            if (n < 0 || n > Files.size(file)) {
                throw new EOFException();
            }
            byte[] props = new byte[n];
            in.readFully(props);
            Properties p = new Properties();
            p.load(new StringReader(new String(props, StandardCharsets.ISO_8859_1)));
            return new PropertiesBlock(p, props.length);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(
                    "no checkpoint at " + file + ": train first, or point to the folder of an earlier run");
        } catch (EOFException e) {
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
    private static final class CountingStream extends FilterOutputStream {
        long count;

        CountingStream(OutputStream out) {
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
