package org.alexnet.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset.Usage;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.training.loss.Loss;
import java.awt.image.BufferedImage;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The dataset over the real files (found the normal way, usually /usr/share/datasets/...). */
class FashionMnistTest {

    static FashionMnist train;
    static FashionMnist test;

    @BeforeAll
    static void load() throws Exception {
        train = FashionMnist.builder()
                .optUsage(Usage.TRAIN)
                .setSampling(128, false)
                .build();
        test = FashionMnist.builder()
                .optUsage(Usage.TEST)
                .setSampling(128, false)
                .build();
        train.prepare();
        test.prepare();
    }

    static int[] classCounts(FashionMnist ds) {
        int[] counts = new int[10];
        for (int i = 0; i < ds.size(); i++) {
            counts[ds.getLabel(i)]++;
        }
        return counts;
    }

    /** Reads item {@code index} straight from the gz file: header, then fixed-size records. */
    static byte[] rawItem(Path file, int headerBytes, int itemBytes, int index) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            DataInputStream data = new DataInputStream(in);
            data.skipNBytes(headerBytes + (long) itemBytes * index);
            byte[] item = new byte[itemBytes];
            data.readFully(item);
            return item;
        }
    }

    @Test
    void trainHas60000ExamplesWith6000PerClass() {
        assertEquals(60_000, train.size());
        assertArrayEquals(new int[] {6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000}, classCounts(train));
    }

    @Test
    void testHas10000ExamplesWith1000PerClass() {
        assertEquals(10_000, test.size());
        assertArrayEquals(new int[] {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}, classCounts(test));
    }

    @Test
    void pixelsAndLabelsMatchTheRawFiles() throws IOException {
        for (FashionMnist ds : List.of(train, test)) {
            String prefix = ds.getUsage() == Usage.TRAIN ? "train" : "t10k";
            Path images = ds.getDirectory().resolve(prefix + "-images-idx3-ubyte.gz");
            Path labels = ds.getDirectory().resolve(prefix + "-labels-idx1-ubyte.gz");
            int last = Math.toIntExact(ds.size()) - 1;
            for (int index : new int[] {0, 1, 4321, last}) {
                assertArrayEquals(rawItem(images, 16, 784, index), ds.getPixels(index));
                assertEquals(rawItem(labels, 8, 1, index)[0], ds.getLabel(index));
            }
        }
        // Well-known values: both splits start with an ankle boot.
        assertEquals(9, train.getLabel(0));
        assertEquals(9, test.getLabel(0));
        assertEquals("Ankle boot", train.getClassNames().get(train.getLabel(0)));
    }

    @Test
    void classNamesAndImages() {
        assertEquals(
                List.of(
                        "T-shirt/top",
                        "Trouser",
                        "Pullover",
                        "Dress",
                        "Coat",
                        "Sandal",
                        "Shirt",
                        "Sneaker",
                        "Bag",
                        "Ankle boot"),
                FashionMnist.CLASS_NAMES);
        BufferedImage image = test.getImage(123);
        assertEquals(BufferedImage.TYPE_BYTE_GRAY, image.getType());
        assertEquals(28, image.getWidth());
        assertEquals(28, image.getHeight());
        byte[] pixels = test.getPixels(123);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                assertEquals(pixels[y * 28 + x] & 0xFF, image.getRaster().getSample(x, y, 0));
            }
        }
        assertThrows(IndexOutOfBoundsException.class, () -> test.getLabel(10_000));
    }

    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void batchesAtNativeResolutionAreThePixelsOver255(String engine) throws Exception {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
            int batches = 0;
            long seen = 0;
            for (Batch batch : test.getData(manager)) {
                NDArray data = batch.getData().singletonOrThrow();
                NDArray labels = batch.getLabels().singletonOrThrow();
                int b = batch.getSize();
                assertEquals(new Shape(b, 1, 28, 28), data.getShape());
                assertEquals(DataType.FLOAT32, data.getDataType());
                assertEquals(new Shape(b), labels.getShape());
                assertEquals(DataType.FLOAT32, labels.getDataType());
                if (batches == 0 || b < 128) {
                    float[] values = data.toFloatArray();
                    float[] labelValues = labels.toFloatArray();
                    for (int i = 0; i < b; i++) {
                        int index = Math.toIntExact((Long) batch.getIndices().get(i));
                        byte[] pixels = test.getPixels(index);
                        for (int p = 0; p < 784; p++) {
                            assertEquals((pixels[p] & 0xFF) / 255f, values[i * 784 + p]);
                        }
                        assertEquals(test.getLabel(index), labelValues[i]);
                    }
                }
                seen += b;
                batches++;
                batch.close();
                // The caller's close frees the batch's arrays.
                assertTrue(data.isReleased());
                assertTrue(labels.isReleased());
            }
            assertEquals(79, batches); // 78 full batches of 128 and one of 16
            assertEquals(10_000, seen);
        }
    }

    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void resizedBatchesMatchTheDirectComputation(String engine) throws Exception {
        FashionMnist ds = FashionMnist.builder()
                .optUsage(Usage.TEST)
                .optResolution(64)
                .optSubset(1000, 5)
                .setSampling(new EpochShuffleSampler(100, 3))
                .build();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
            int batches = 0;
            for (Batch batch : ds.getData(manager)) {
                NDArray data = batch.getData().singletonOrThrow();
                assertEquals(new Shape(100, 1, 64, 64), data.getShape());
                assertEquals(
                        new Shape(100), batch.getLabels().singletonOrThrow().getShape());
                float[] values = data.toFloatArray();
                float min = Float.MAX_VALUE;
                float max = -Float.MAX_VALUE;
                for (float v : values) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
                assertTrue(min >= 0f && max <= 1f, "values in [" + min + ", " + max + "]");
                if (batches == 0) {
                    float[] original = new float[100 * 784];
                    for (int i = 0; i < 100; i++) {
                        byte[] pixels = ds.getPixels(
                                Math.toIntExact((Long) batch.getIndices().get(i)));
                        for (int p = 0; p < 784; p++) {
                            original[i * 784 + p] = (pixels[p] & 0xFF) / 255f;
                        }
                    }
                    float[] expected = BilinearResizeTest.direct(original, 100, 28, 28, 64, 64);
                    float err = BilinearResizeTest.maxAbsDiff(expected, values);
                    assertTrue(err < 1e-5, "error " + err);
                }
                batch.close();
                batches++;
            }
            assertEquals(10, batches);
        }
    }

    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void multiThreadedLoadingVisitsEveryExampleOnce(String engine) throws Exception {
        FashionMnist ds = FashionMnist.builder()
                .optResolution(32)
                .optSubset(2000, 9)
                .setSampling(new EpochShuffleSampler(64, 1))
                .build();
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
            Set<Long> seen = new HashSet<>();
            List<Long> order = new ArrayList<>();
            for (Batch batch : ds.getData(manager, executor)) {
                assertEquals(
                        new Shape(batch.getSize(), 1, 32, 32),
                        batch.getData().singletonOrThrow().getShape());
                for (Object index : batch.getIndices()) {
                    assertTrue(seen.add((Long) index), "visited twice: " + index);
                    order.add((Long) index);
                }
                batch.close();
            }
            assertEquals(2000, seen.size());
            List<Long> expected = new ArrayList<>();
            for (int i : new EpochShuffleSampler(64, 1).order(2000, 0)) {
                expected.add((long) i);
            }
            assertEquals(expected, order); // prefetching keeps the sampler's order
        } finally {
            executor.shutdownNow();
        }
    }

    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void worksWithTrainerIterateDataset(String engine) throws Exception {
        FashionMnist ds = FashionMnist.builder()
                .optResolution(28)
                .optSubset(500, 2)
                .setSampling(new EpochShuffleSampler(50, 2))
                .build();
        SequentialBlock net = new SequentialBlock()
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(10).build());
        try (Model model = Model.newInstance("probe", Device.cpu(), engine)) {
            model.setBlock(net);
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()))) {
                trainer.initialize(new Shape(1, 1, 28, 28));
                int batches = 0;
                for (Batch batch : trainer.iterateDataset(ds)) {
                    NDList out = trainer.forward(batch.getData());
                    NDArray loss = trainer.getLoss().evaluate(batch.getLabels(), out);
                    assertTrue(Float.isFinite(loss.getFloat()));
                    batch.close();
                    batches++;
                }
                assertEquals(10, batches);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void singleRecordsHaveTheBatchLayoutWithoutTheBatchAxis(String engine) {
        FashionMnist ds = FashionMnist.builder()
                .optUsage(Usage.TEST)
                .optResolution(96)
                .setSampling(1, false)
                .build();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
            Record record = ds.get(manager, 7);
            assertEquals(
                    new Shape(1, 96, 96), record.getData().singletonOrThrow().getShape());
            NDArray label = record.getLabels().singletonOrThrow();
            assertEquals(new Shape(), label.getShape());
            assertEquals(ds.getLabel(7), label.getFloat());
        }
    }

    @Test
    void subsetIsClassBalancedAndDeterministic() throws Exception {
        FashionMnist a = subset(1000, 42);
        assertEquals(1000, a.size());
        assertArrayEquals(new int[] {100, 100, 100, 100, 100, 100, 100, 100, 100, 100}, classCounts(a));
        List<String> first = fingerprints(a);
        assertEquals(first, fingerprints(subset(1000, 42)));
        assertNotEquals(first, fingerprints(subset(1000, 43)));
        // The whole train set is itself a balanced subset; one more example is not.
        assertArrayEquals(classCounts(train), classCounts(subset(60_000, 1)));
        FashionMnist tooBig = subset(60_010, 1);
        assertThrows(IllegalArgumentException.class, tooBig::prepare);
    }

    @Test
    void randomSplitKeepsBulkBatchingAndCoversTheSubset() throws Exception {
        FashionMnist ds = subset(1000, 4);
        RandomAccessDataset[] parts = ds.randomSplit(8, 2);
        assertEquals(800, parts[0].size());
        assertEquals(200, parts[1].size());
        assertTrue(parts[0] instanceof FashionMnist);
        Set<String> all = new HashSet<>(fingerprints((FashionMnist) parts[0]));
        all.addAll(fingerprints((FashionMnist) parts[1]));
        assertEquals(new HashSet<>(fingerprints(ds)), all);
    }

    static FashionMnist subset(int n, long seed) {
        return FashionMnist.builder().optSubset(n, seed).setSampling(32, false).build();
    }

    /** Identifies examples by content, independent of their position in the dataset. */
    static List<String> fingerprints(FashionMnist ds) {
        List<String> prints = new ArrayList<>();
        for (int i = 0; i < ds.size(); i++) {
            prints.add(ds.getLabel(i) + ":" + Arrays.hashCode(ds.getPixels(i)));
        }
        return prints;
    }

    @Test
    void directoryIsExposed() {
        assertTrue(Files.isRegularFile(train.getDirectory().resolve("train-images-idx3-ubyte.gz")));
        assertFalse(train.getDirectory().toString().isEmpty());
    }
}
