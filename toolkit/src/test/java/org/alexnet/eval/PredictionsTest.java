package org.alexnet.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.dataset.Dataset;
import java.nio.file.Files;
import org.alexnet.TestEngines;
import org.alexnet.data.FashionMnist;
import org.junit.jupiter.api.Test;

class PredictionsTest {

    @Test
    void predictedClassConfidenceAndMistakes() {
        float[][] scores = {
            {2, 1, 0}, // predicts 0, label 0: right
            {0, 3, 0}, // predicts 1, label 2: wrong, confident
            {1, 1.5f, 1}, // predicts 1, label 0: wrong, unsure
            {0, 0, 5}, // predicts 2, label 2: right
        };
        Predictions p = Predictions.of(new int[] {10, 11, 12, 13}, scores, new int[] {0, 2, 0, 2});
        assertEquals(1, p.predicted(1));
        assertEquals(12, p.index(2));
        assertEquals(0.5, p.accuracy(), 1e-12);
        assertTrue(p.correct(0));
        assertFalse(p.correct(1));
        // Softmax of (0, 3, 0) at class 1: e^3 / (e^3 + 2).
        assertEquals(Math.exp(3) / (Math.exp(3) + 2), p.confidence(1), 1e-6);
        assertEquals(Math.exp(1.5) / (Math.exp(1.5) + 2 * Math.E), p.confidence(2), 1e-6);
        assertArrayEquals(new int[] {1, 2}, p.mistakes(), "most confident mistake first");
        assertArrayEquals(new int[] {2}, p.mistakes(0, 1));
        long[][] c = p.confusion(3);
        assertArrayEquals(new long[] {1, 1, 0}, c[0]);
        assertArrayEquals(new long[] {0, 0, 0}, c[1]);
        assertArrayEquals(new long[] {0, 1, 1}, c[2]);
    }

    @Test
    void runsAForwardFunctionOverADatasetInOrder() {
        assumeTrue(
                Files.isRegularFile(FashionMnist.SYSTEM_DIRECTORY.resolve("t10k-images-idx3-ubyte.gz")),
                "needs the Fashion-MNIST files");
        FashionMnist test = FashionMnist.builder()
                .optUsage(Dataset.Usage.TEST)
                .optSubset(50, 1)
                .setSampling(10, false)
                .build();
        try (NDManager m = NDManager.newBaseManager(TestEngines.MXNET)) {
            // A "model" that scores class floor(mean pixel * 10) highest: predictable from the pixels.
            Predictions p = Predictions.run(
                    x -> {
                        NDArray mean = x.head().mean(new int[] {1, 2, 3});
                        NDArray cls = mean.mul(10)
                                .floor()
                                .toType(DataType.INT32, false)
                                .mod(10);
                        return new NDList(cls.oneHot(10));
                    },
                    test,
                    16,
                    m);
            assertEquals(50, p.size());
            for (int i = 0; i < 50; i++) {
                byte[] px = test.getPixels(i);
                double sum = 0;
                for (byte b : px) {
                    sum += (b & 0xFF) / 255.0;
                }
                int expected = (int) Math.floor(sum / px.length * 10) % 10;
                assertEquals(i, p.index(i));
                assertEquals(test.getLabel(i), p.label(i));
                assertEquals(expected, p.predicted(i), "example " + i);
            }
        }
    }
}
