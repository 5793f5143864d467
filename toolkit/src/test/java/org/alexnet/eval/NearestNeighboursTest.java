package org.alexnet.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class NearestNeighboursTest {

    @Test
    void findsTheClosestPointsInOrderOnAHandMadeExample() {
        float[][] points = {{0, 0}, {3, 4}, {1, 1}, {-2, 0}, {10, 10}};
        NearestNeighbours nn = new NearestNeighbours(points);
        // Distances from (1, 0): 1, sqrt(20), 1, 3, sqrt(181): ties (0 and 2) keep index order.
        assertArrayEquals(new int[] {0, 2, 3}, nn.nearest(new float[] {1, 0}, 3));
        assertEquals(Math.sqrt(20), nn.distance(1, new float[] {1, 0}), 1e-12);
        assertEquals(5.0, NearestNeighbours.distance(new float[] {0, 0}, new float[] {3, 4}), 1e-12);
        assertEquals(5, nn.nearest(new float[] {1, 0}, 99).length, "k larger than the set");
    }

    @Test
    void agreesWithADotProductFormulaOnRandomData() {
        Random r = new Random(7);
        float[][] points = new float[300][16];
        for (float[] p : points) {
            for (int i = 0; i < p.length; i++) {
                p[i] = (float) r.nextGaussian();
            }
        }
        NearestNeighbours nn = new NearestNeighbours(points);
        for (int q = 0; q < 5; q++) {
            float[] query = new float[16];
            for (int i = 0; i < 16; i++) {
                query[i] = (float) r.nextGaussian();
            }
            // |a - b|^2 = |a|^2 + |b|^2 - 2 a.b, ranked through a sorted map (no ties in random data).
            TreeMap<Double, Integer> byDistance = new TreeMap<>();
            for (int i = 0; i < points.length; i++) {
                double aa = 0;
                double bb = 0;
                double ab = 0;
                for (int j = 0; j < 16; j++) {
                    aa += points[i][j] * (double) points[i][j];
                    bb += query[j] * (double) query[j];
                    ab += points[i][j] * (double) query[j];
                }
                byDistance.put(aa + bb - 2 * ab, i);
            }
            int[] expected = byDistance.values().stream()
                    .limit(7)
                    .mapToInt(Integer::intValue)
                    .toArray();
            assertArrayEquals(expected, nn.nearest(query, 7));
            Map.Entry<Double, Integer> first = byDistance.firstEntry();
            assertEquals(Math.sqrt(first.getKey()), nn.distance(first.getValue(), query), 1e-5);
        }
    }

    @Test
    void rejectsMismatchedLengths() {
        assertThrows(IllegalArgumentException.class, () -> new NearestNeighbours(new float[][] {{1, 2}, {1}}));
        NearestNeighbours nn = new NearestNeighbours(new float[][] {{1, 2}});
        assertThrows(IllegalArgumentException.class, () -> nn.nearest(new float[] {1}, 1));
    }
}
