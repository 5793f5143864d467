package org.alexnet.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.alexnet.model.LeNet;
import org.alexnet.model.ModelSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

    private static Block initialised(NDManager m) {
        Block b = new LeNet(10);
        b.initialize(m, DataType.FLOAT32, new Shape(1, 1, 28, 28));
        return b;
    }

    private static Path save(Path dir, NDManager m, Block b) throws Exception {
        Properties p = new Properties();
        p.setProperty("epoch", "7");
        p.setProperty("note", "hello");
        Path file = dir.resolve(Checkpoint.LAST);
        Checkpoint.save(file, p, b, PaperSgd.builder().build(), new ParameterNames(b));
        return file;
    }

    @Test
    void roundTripRestoresEveryParameter(@TempDir Path dir) throws Exception {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "MXNet")) {
            Block a = initialised(m);
            Path file = save(dir, m, a);
            Checkpoint.Header h = Checkpoint.read(file);
            assertEquals(7, h.getEpoch());
            assertEquals("hello", h.getProperties().getProperty("note"));
            Block b = initialised(m);
            h.restoreParameters(b, m);
            var pa = a.getParameters();
            var pb = b.getParameters();
            assertEquals(pa.size(), pb.size());
            for (int i = 0; i < pa.size(); i++) {
                assertArrayEquals(
                        pa.get(i).getValue().getArray().toFloatArray(),
                        pb.get(i).getValue().getArray().toFloatArray(),
                        0f,
                        pa.get(i).getKey());
            }
            try (var files = Files.list(dir)) {
                assertEquals(1, files.count(), "no temporary files left behind");
            }
        }
    }

    @Test
    void truncatedDamagedAndMissingFilesAreDetected(@TempDir Path dir) throws Exception {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "MXNet")) {
            Path file = save(dir, m, initialised(m));
            long size = Files.size(file);

            Path truncated = dir.resolve("truncated.ckpt");
            Files.copy(file, truncated);
            try (RandomAccessFile raf = new RandomAccessFile(truncated.toFile(), "rw")) {
                raf.setLength(size / 2);
            }
            var e1 = assertThrows(CheckpointException.class, () -> Checkpoint.read(truncated));
            assertTrue(e1.getMessage().contains("truncated"), e1.getMessage());

            Path damaged = dir.resolve("damaged.ckpt");
            Files.copy(file, damaged);
            try (RandomAccessFile raf = new RandomAccessFile(damaged.toFile(), "rw")) {
                raf.seek(size / 2);
                int b = raf.read();
                raf.seek(size / 2);
                raf.write(b ^ 0x40);
            }
            var e2 = assertThrows(CheckpointException.class, () -> Checkpoint.read(damaged));
            assertTrue(e2.getMessage().contains("checksum"), e2.getMessage());

            var e3 = assertThrows(CheckpointException.class, () -> Checkpoint.read(dir.resolve("nope.ckpt")));
            assertTrue(e3.getMessage().startsWith("no checkpoint at"), e3.getMessage());

            Path other = dir.resolve("other.ckpt");
            Files.writeString(other, "not a checkpoint at all, but long enough to have a trailer");
            var e4 = assertThrows(CheckpointException.class, () -> Checkpoint.read(other));
            assertTrue(e4.getMessage().contains("not an AlexNet checkpoint"), e4.getMessage());
        }
    }

    @Test
    void checkpointOfAnotherModelIsRejectedClearly(@TempDir Path dir) throws Exception {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "MXNet")) {
            Path file = save(dir, m, initialised(m));
            Block other = new LeNet(5);
            other.initialize(m, DataType.FLOAT32, new Shape(1, 1, 28, 28));
            Checkpoint.Header h = Checkpoint.read(file);
            var e = assertThrows(CheckpointException.class, () -> h.restoreParameters(other, m));
            assertTrue(
                    e.getMessage().contains("does not fit this model")
                            && e.getMessage().contains("fc5"),
                    e.getMessage());
        }
    }

    private static RunState imageNetState(ImageNetData.Facts facts) {
        return new RunState(
                ModelSpec.of(ModelSpec.Variant.LENET, 10, 1),
                Preset.SMOKE.recipe(),
                1,
                new History(),
                new LearningRateSchedule.State(0.01f, 0.5, 0, 0),
                null,
                ImageNetData.NAME,
                facts,
                false,
                "MXNet");
    }

    @Test
    void imageNetFactsRoundTripAndOldCheckpointsGetTheDefaults(@TempDir Path dir) throws Exception {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "MXNet")) {
            Block b = initialised(m);
            Path file = dir.resolve(Checkpoint.LAST);
            ImageNetData.Facts facts = new ImageNetData.Facts(
                    dir.resolve("imagenet").toAbsolutePath(),
                    false,
                    1f / 255,
                    dir.resolve("stats.bin").toAbsolutePath(),
                    8,
                    10);
            Checkpoint.save(file, imageNetState(facts), b, PaperSgd.builder().build(), new ParameterNames(b));
            RunState read = Checkpoint.readState(file);
            assertEquals(ImageNetData.NAME, read.datasetName());
            assertEquals(facts, read.imageNet());

            // A checkpoint written before the statistics (or anything but the name) were recorded.
            Properties old = Checkpoint.read(file).getProperties();
            for (String key :
                    new String[] {"data_root", "lighting", "pixel_scale", "statistics_file", "statistics_images"}) {
                assertTrue(old.remove("meta." + key) != null, key);
            }
            Checkpoint.save(file, old, b, PaperSgd.builder().build(), new ParameterNames(b));
            RunState before = Checkpoint.readState(file);
            assertEquals(
                    new ImageNetData.Facts(
                            null,
                            ImageNetData.DEFAULT_LIGHTING,
                            ImageNetData.DEFAULT_PIXEL_SCALE,
                            null,
                            ImageNetData.DEFAULT_STATISTICS_IMAGES,
                            10),
                    before.imageNet());
            // Without a recorded folder, the data must be named: one line saying how.
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> ImageNetData.from(before, null));
            assertTrue(e.getMessage().contains("pass --data-dir"), e.getMessage());
            assertEquals(dir, before.imageNet().rootOr(dir));
        }
    }

    @Test
    void otherDataRecordNoImageNetFacts(@TempDir Path dir) throws Exception {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "MXNet")) {
            Block b = initialised(m);
            Path file = dir.resolve(Checkpoint.LAST);
            RunState fashion = new RunState(
                    ModelSpec.of(ModelSpec.Variant.LENET, 10, 1),
                    Preset.SMOKE.recipe(),
                    1,
                    new History(),
                    new LearningRateSchedule.State(0.01f, 0.5, 0, 0),
                    null,
                    FashionMnistData.NAME,
                    null,
                    true,
                    "MXNet");
            Checkpoint.save(file, fashion, b, PaperSgd.builder().build(), new ParameterNames(b));
            RunState read = Checkpoint.readState(file);
            assertEquals(FashionMnistData.NAME, read.datasetName());
            assertEquals(null, read.imageNet());
            assertTrue(read.augmented(), "the augmentation choice round-trips");
            assertThrows(IllegalArgumentException.class, () -> ImageNetData.from(read, dir));
        }
    }
}
