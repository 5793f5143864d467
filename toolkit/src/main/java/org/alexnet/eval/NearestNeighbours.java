package org.alexnet.eval;

import java.util.Arrays;

/**
 * Exact nearest-neighbour search by Euclidean distance over a fixed set of vectors, e.g. the fc7
 * features of training images (the paper's Figure 4) or their raw pixels. A linear scan: a few
 * thousand 4096-d vectors take milliseconds per query.
 */
public final class NearestNeighbours {

    private final float[][] points;

    /** @param points the vectors to search, all of one length (kept, not copied) */
    public NearestNeighbours(float[][] points) {
        if (points.length == 0) {
            throw new IllegalArgumentException("no points to search");
        }
        int d = points[0].length;
        for (float[] p : points) {
            if (p.length != d) {
                throw new IllegalArgumentException("points differ in length: " + d + " and " + p.length);
            }
        }
        this.points = points;
    }

    public int size() {
        return points.length;
    }

    public int dimension() {
        return points[0].length;
    }

    /**
     * The {@code k} points closest to {@code query}, closest first (equal distances: lower index
     * first).
     *
     * @return indices into the points
     */
    public int[] nearest(float[] query, int k) {
        if (query.length != dimension()) {
            throw new IllegalArgumentException("query has " + query.length + " values, points " + dimension());
        }
        int n = Math.min(k, points.length);
        double[] d = new double[points.length];
        for (int i = 0; i < points.length; i++) {
            d[i] = squaredDistance(points[i], query);
        }
        // Sort indices by (distance, index); a full sort is fast enough for tens of thousands of points.
        return Arrays.stream(boxed(points.length))
                .sorted((a, b) -> d[a] != d[b] ? Double.compare(d[a], d[b]) : Integer.compare(a, b))
                .limit(n)
                .mapToInt(Integer::intValue)
                .toArray();
    }

    /** The Euclidean distance from point {@code index} to {@code query}. */
    public double distance(int index, float[] query) {
        return Math.sqrt(squaredDistance(points[index], query));
    }

    /** Euclidean distance between two vectors of equal length. */
    public static double distance(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vectors differ in length: " + a.length + " and " + b.length);
        }
        return Math.sqrt(squaredDistance(a, b));
    }

    private static double squaredDistance(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double diff = (double) a[i] - b[i];
            s += diff * diff;
        }
        return s;
    }

    private static Integer[] boxed(int n) {
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        return idx;
    }
}
