package org.alexnet.data.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TransformsTest {

    /** An image whose every value encodes its position, so crops and flips can be checked exactly. */
    static FloatImage coded(int c, int h, int w) {
        float[] d = new float[c * h * w];
        for (int k = 0; k < c; k++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    d[(k * h + y) * w + x] = k * 100_000 + y * 1000 + x;
                }
            }
        }
        return new FloatImage(c, h, w, d);
    }

    @Test
    void centerCropTakesTheMiddle() {
        assertArrayEquals(new int[] {0, 42}, CenterCrop.offset(256, 341, 256));
        assertArrayEquals(new int[] {16, 16}, CenterCrop.offset(256, 256, 224));
        FloatImage out = new CenterCrop(224).apply(coded(3, 256, 256), null);
        assertEquals(224, out.height());
        assertEquals(2 * 100_000 + 16 * 1000 + 16, out.get(2, 0, 0));
        assertEquals(2 * 100_000 + (16 + 223) * 1000 + 16 + 223, out.get(2, 223, 223));
    }

    @Test
    void randomCropDrawsRowThenColumnOverAllPositions() {
        FloatImage img = coded(3, 256, 256);
        RandomCrop crop = new RandomCrop(224);
        Random r = new Random(7);
        Random expected = new Random(7);
        Set<Integer> tops = new HashSet<>();
        for (int i = 0; i < 400; i++) {
            FloatImage out = crop.apply(img, r);
            int top = expected.nextInt(33);
            int left = expected.nextInt(33);
            tops.add(top);
            assertEquals(top * 1000 + left, out.get(0, 0, 0));
            assertEquals(100_000 + (top + 100) * 1000 + left + 50, out.get(1, 100, 50));
        }
        // Offsets 0..32 inclusive: both extremes (the corner crops of the 10-crop test) occur.
        assertTrue(tops.contains(0) && tops.contains(32), tops.toString());
        assertTrue(tops.stream().allMatch(t -> t >= 0 && t <= 32));
    }

    @Test
    void flipMirrorsColumns() {
        FloatImage img = coded(3, 5, 7);
        FloatImage f = img.flipHorizontally();
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 5; y++) {
                for (int x = 0; x < 7; x++) {
                    assertEquals(img.get(c, y, 6 - x), f.get(c, y, x));
                }
            }
        }
        // RandomFlip flips exactly when its one boolean draw is true.
        Random r = new Random(3);
        Random e = new Random(3);
        for (int i = 0; i < 20; i++) {
            FloatImage out = new RandomFlip().apply(img, r);
            assertEquals(e.nextBoolean() ? 6 : 0, (int) out.get(0, 0, 0));
        }
    }

    @Test
    void tenCropsAreCornersCentreAndTheirMirrors() {
        int[][] o = TenCrop.offsets(256, 256, 224);
        assertArrayEquals(new int[][] {{0, 0}, {0, 32}, {32, 0}, {32, 32}, {16, 16}}, o);
        FloatImage img = coded(3, 256, 256);
        List<FloatImage> crops = new TenCrop(224).crops(img);
        assertEquals(10, crops.size());
        for (int k = 0; k < 5; k++) {
            assertEquals(o[k][0] * 1000 + o[k][1], crops.get(k).get(0, 0, 0));
            // The mirrored crop's first column is the crop's last.
            assertEquals(o[k][0] * 1000 + o[k][1] + 223, crops.get(k + 5).get(0, 0, 0));
            assertArrayEquals(
                    crops.get(k).flipHorizontally().data(), crops.get(k + 5).data());
        }
        try (NDManager m = NDManager.newBaseManager("MXNet")) {
            NDArray stack = new TenCrop(224).transform(img.toNDArray(m));
            assertEquals(new Shape(10, 3, 224, 224), stack.getShape());
            assertArrayEquals(crops.get(7).data(), stack.get(7).toFloatArray());
        }
    }

    @Test
    void pcaLightingAddsTheWeightedEigenvectors() {
        float[] l = {0.2175f, 0.0188f, 0.0045f};
        float[][] p = {{-0.5675f, 0.7192f, 0.4009f}, {-0.5808f, -0.0045f, -0.8140f}, {-0.5836f, -0.6948f, 0.4203f}};
        PcaLighting lighting = new PcaLighting(l, p, 0.1, 255f, 0);
        FloatImage img = coded(3, 4, 4);
        Random r = new Random(11);
        FloatImage out = lighting.apply(img, r);
        Random e = new Random(11);
        double[] a = {e.nextGaussian() * 0.1, e.nextGaussian() * 0.1, e.nextGaussian() * 0.1};
        for (int c = 0; c < 3; c++) {
            double shift = 255 * (a[0] * l[0] * p[0][c] + a[1] * l[1] * p[1][c] + a[2] * l[2] * p[2][c]);
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 4; x++) {
                    assertEquals(
                            shift,
                            out.get(c, y, x) - img.get(c, y, x),
                            2e-2 * Math.max(1, Math.abs(img.get(c, y, x)) / 1e4));
                }
            }
            assertTrue(Math.abs(shift) > 1e-3, "the shift should not vanish");
        }
    }

    @Test
    void meanSubtractionIsPerPixel() {
        FloatImage img = coded(3, 6, 6);
        float[] m = new float[3 * 36];
        for (int i = 0; i < m.length; i++) {
            m[i] = i * 0.5f;
        }
        FloatImage out = new SubtractMean(new FloatImage(3, 6, 6, m)).apply(img, null);
        for (int i = 0; i < m.length; i++) {
            assertEquals(img.data()[i] - m[i], out.data()[i], 0f);
        }
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new SubtractMean(new FloatImage(3, 6, 6, m)).apply(coded(3, 5, 6), null));
        assertTrue(e.getMessage().contains("mean image is 3x6x6"), e.getMessage());
    }

    @Test
    void resizeShorterKeepsTheAspect() {
        assertArrayEquals(new int[] {256, 341}, Images.shorterSideSize(375, 500, 256));
        assertArrayEquals(new int[] {341, 256}, Images.shorterSideSize(500, 375, 256));
        float[] flat = new float[3 * 300 * 400];
        Arrays.fill(flat, 0, 120_000, 200f);
        Arrays.fill(flat, 120_000, 240_000, 90f);
        Arrays.fill(flat, 240_000, 360_000, 10f);
        FloatImage out = new ResizeShorter(256).apply(new FloatImage(3, 300, 400, flat), null);
        assertEquals(256, out.height());
        assertEquals(341, out.width());
        // A flat colour stays that colour whatever the interpolation.
        assertEquals(200f, out.get(0, 128, 170), 0f);
        assertEquals(90f, out.get(1, 0, 340), 0f);
        assertEquals(10f, out.get(2, 255, 0), 0f);
    }

    @Test
    void transformsWorkAsDjlTransformsOnArrays() {
        try (NDManager m = NDManager.newBaseManager("MXNet")) {
            FloatImage img = coded(3, 256, 300);
            NDArray out = new CenterCrop(224).transform(img.toNDArray(m));
            assertEquals(new Shape(3, 224, 224), out.getShape());
            assertArrayEquals(new CenterCrop(224).apply(img, null).data(), out.toFloatArray());
            // A seeded random crop repeats itself.
            NDArray a = new RandomCrop(100, 5).transform(img.toNDArray(m));
            NDArray b = new RandomCrop(100, 5).transform(img.toNDArray(m));
            assertArrayEquals(a.toFloatArray(), b.toFloatArray());
        }
    }

    /** A TYPE_3BYTE_BGR image of random-ish colours. */
    static BufferedImage noisy(int h, int w) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Random r = new Random(h * 31L + w);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (x * 7 + y) % 256 << 16 | r.nextInt(256) << 8 | (y * 3) % 256);
            }
        }
        return img;
    }

    @Test
    void centredResizeMatchesResizeThenCrop() {
        for (int[] size : new int[][] {{375, 500}, {500, 333}, {256, 256}, {700, 1100}, {200, 90}}) {
            BufferedImage img = noisy(size[0], size[1]);
            FloatImage full = FloatImage.of(Images.resizeShorterSide(img, 256));
            int[] o = CenterCrop.offset(full.height(), full.width(), 256);
            FloatImage expected = full.crop(o[0], o[1], 256, 256);
            // Every window of the resize is computed as in the whole image: equal, not close.
            assertArrayEquals(
                    expected.data(),
                    FloatImage.of(Images.resizeShorterSideCentred(img, 256, 256))
                            .data(),
                    0f);
            assertArrayEquals(
                    expected.data(), CentralPatch.of(img, 256).toFloatImage().data(), 0f);
        }
    }

    @Test
    void resizeIsJava2dBilinear() {
        // The resize before this one was Graphics2D.drawImage with bilinear interpolation, halving
        // steps included; the written-out version agrees up to one grey level on rare pixels (Java2D
        // places samples in 32-bit fixed point). Measured: at most 1 level; on 0.3 % of the values
        // of photographs, and on up to 3.5 % of these noise images.
        for (int[] size : new int[][] {{375, 500}, {333, 500}, {90, 200}, {1100, 700}}) {
            BufferedImage img = noisy(size[0], size[1]);
            BufferedImage current = img;
            int[] target = Images.shorterSideSize(size[0], size[1], 256);
            while (current.getHeight() >= 2 * target[0] && current.getWidth() >= 2 * target[1]) {
                current = java2d(current, current.getHeight() / 2, current.getWidth() / 2);
            }
            float[] expected =
                    FloatImage.of(java2d(current, target[0], target[1])).data();
            float[] actual = FloatImage.of(Images.resizeShorterSide(img, 256)).data();
            assertEquals(expected.length, actual.length);
            int differ = 0;
            for (int i = 0; i < expected.length; i++) {
                assertTrue(Math.abs(expected[i] - actual[i]) <= 1f, size[0] + "x" + size[1] + " at " + i);
                differ += expected[i] != actual[i] ? 1 : 0;
            }
            assertTrue(differ < expected.length / 20, size[0] + "x" + size[1] + ": " + differ + " values differ");
        }
    }

    private static BufferedImage java2d(BufferedImage image, int h, int w) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        java.awt.Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    @Test
    void centralPatchCropsEqualTheChainedTransforms() {
        FloatImage mean = coded(3, 64, 64);
        for (float[] m : new float[][] {mean.data()}) {
            for (int i = 0; i < m.length; i++) {
                m[i] = (m[i] % 97) * 0.73f; // some non-integral mean
            }
        }
        float[] shift = {3.25f, -7.5f, 0.125f};
        for (int[] size : new int[][] {{75, 100}, {100, 61}, {40, 50}, {300, 131}}) {
            BufferedImage img = noisy(size[0], size[1]);
            CentralPatch patch = CentralPatch.of(img, 64);
            FloatImage centred = FloatImage.of(Images.resizeShorterSideCentred(img, 64, 64));
            FloatImage minusMean = new SubtractMean(mean).apply(centred, null);
            for (int[] crop : new int[][] {{0, 0, 48}, {16, 3, 48}, {5, 9, 30}, {0, 0, 64}}) {
                for (boolean flip : new boolean[] {false, true}) {
                    FloatImage expected = minusMean.crop(crop[0], crop[1], crop[2], crop[2]);
                    if (flip) {
                        expected = expected.flipHorizontally();
                    }
                    float[] e = expected.data();
                    int plane = crop[2] * crop[2];
                    for (int i = 0; i < e.length; i++) {
                        e[i] = (e[i] + shift[i / plane]) * 0.5f;
                    }
                    float[] dest = new float[e.length + 7];
                    patch.writeCrop(crop[0], crop[1], crop[2], flip, mean, shift, 0.5f, dest, 7);
                    assertArrayEquals(
                            e,
                            Arrays.copyOfRange(dest, 7, dest.length),
                            0f,
                            size[0] + "x" + size[1] + " crop " + Arrays.toString(crop) + " flip " + flip);
                }
            }
        }
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> CentralPatch.of(noisy(75, 100), 64)
                        .writeCrop(20, 0, 48, false, null, null, 1f, new float[3 * 48 * 48], 0));
        assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
    }
}
