package org.alexnet.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ArrayStreamsTest {

    private static float[] randomFloats(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    private static byte[] write(NDArray... arrays) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            for (NDArray a : arrays) {
                ArrayStreams.write(out, a);
            }
        }
        return bytes.toByteArray();
    }

    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void arraysLargerThanOneSliceComeBackBitForBit(String engine) throws Exception {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
            // 2,501 rows of 300 floats: 3 MB, so three full 873-row slices and a partial one.
            float[] big = randomFloats(2_501 * 300, 1);
            NDArray matrix = m.create(big, new Shape(2_501, 300));
            NDArray kernel = m.create(randomFloats(96 * 3 * 11 * 11, 2), new Shape(96, 3, 11, 11));
            NDArray vector = m.create(randomFloats(7, 3));
            NDArray scalar = m.create(2.5f);
            NDArray ints = m.create(new int[] {3, -1, 7});
            byte[] file = write(matrix, kernel, vector, scalar, ints);
            long payload = 4L * (big.length + kernel.size() + 7 + 1) + 4 * 3;
            assertTrue(
                    file.length > payload && file.length < payload + 200,
                    "elements plus short headers: " + file.length);

            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(file))) {
                NDArray matrix2 = ArrayStreams.read(in, m);
                assertEquals(matrix.getShape(), matrix2.getShape());
                assertArrayEquals(big, matrix2.toFloatArray(), 0f);
                // Into an existing array that records gradients, as a model's parameters do.
                NDArray target = m.zeros(kernel.getShape());
                target.setRequiresGradient(true);
                ArrayStreams.readInto(in, target, "conv1_weight");
                assertArrayEquals(kernel.toFloatArray(), target.toFloatArray(), 0f);
                assertArrayEquals(
                        vector.toFloatArray(), ArrayStreams.read(in, m).toFloatArray(), 0f);
                NDArray scalar2 = ArrayStreams.read(in, m);
                assertEquals(new Shape(), scalar2.getShape());
                assertEquals(2.5f, scalar2.getFloat(), 0f);
                NDArray ints2 = ArrayStreams.read(in, m);
                assertEquals(DataType.INT32, ints2.getDataType());
                assertArrayEquals(new int[] {3, -1, 7}, ints2.toIntArray());
                assertEquals(-1, in.read(), "every byte consumed");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("org.alexnet.TestEngines#all")
    void anArrayOfAnotherShapeIsRefusedByName(String engine) throws Exception {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
            byte[] file = write(m.ones(new Shape(10, 84)));
            NDArray target = m.zeros(new Shape(5, 84));
            var e = assertThrows(
                    CheckpointException.class,
                    () -> ArrayStreams.readInto(
                            new DataInputStream(new ByteArrayInputStream(file)), target, "fc5_weight"));
            assertTrue(
                    e.getMessage().contains("fc5_weight is (10, 84) float32 in the file but (5, 84) float32"),
                    e.getMessage());
            assertArrayEquals(new float[5 * 84], target.toFloatArray(), 0f, "target left untouched");
        }
    }
}
