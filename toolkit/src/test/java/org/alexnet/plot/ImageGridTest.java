package org.alexnet.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Dataset;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.alexnet.data.FashionMnist;
import org.junit.jupiter.api.Test;

class ImageGridTest {

    private static BufferedImage grey(int w, int h, int seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        Random r = new Random(seed);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, r.nextInt(256));
            }
        }
        return img;
    }

    /** Every pixel of a grid against the tile it came from, gaps and margins against the background. */
    private static void assertLayout(
            BufferedImage grid, List<BufferedImage> tiles, int columns, int scale, int gap, int captionHeight) {
        int w = tiles.get(0).getWidth();
        int h = tiles.get(0).getHeight();
        int cellW = w * scale + gap;
        int cellH = h * scale + captionHeight + gap;
        int rows = (tiles.size() + columns - 1) / columns;
        assertEquals(columns * cellW + gap, grid.getWidth());
        assertEquals(rows * cellH + gap, grid.getHeight());
        for (int y = 0; y < grid.getHeight(); y++) {
            for (int x = 0; x < grid.getWidth(); x++) {
                int cx = (x - gap) / cellW;
                int cy = (y - gap) / cellH;
                int ox = (x - gap) % cellW;
                int oy = (y - gap) % cellH;
                int index = cy * columns + cx;
                boolean inTile = x >= gap && y >= gap && ox < w * scale && oy < h * scale && index < tiles.size();
                boolean inCaption = x >= gap
                        && y >= gap
                        && ox < w * scale
                        && oy >= h * scale
                        && oy < h * scale + captionHeight
                        && index < tiles.size();
                int actual = grid.getRGB(x, y) & 0xFFFFFF;
                if (inTile) {
                    BufferedImage t = tiles.get(index);
                    int expected = t.getType() == BufferedImage.TYPE_BYTE_GRAY
                            ? t.getRaster().getSample(ox / scale, oy / scale, 0) * 0x010101
                            : t.getRGB(ox / scale, oy / scale) & 0xFFFFFF;
                    assertEquals(expected, actual, "tile " + index + " at " + x + "," + y);
                } else if (!inCaption) {
                    assertEquals(ImageGrid.BACKGROUND, actual, "background at " + x + "," + y);
                }
            }
        }
    }

    @Test
    void greyTilesAreCopiedByValueAndEnlarged() {
        List<BufferedImage> tiles = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            tiles.add(grey(3, 2, i));
        }
        BufferedImage grid = ImageGrid.grid(tiles, null, 2, 3, 1);
        assertEquals(2 * (3 * 3 + 1) + 1, grid.getWidth());
        assertEquals(3 * (2 * 3 + 1) + 1, grid.getHeight());
        assertLayout(grid, tiles, 2, 3, 1, 0);
    }

    @Test
    void captionsAddAStripUnderEachTile() {
        List<BufferedImage> tiles = List.of(grey(28, 28, 1), grey(28, 28, 2), grey(28, 28, 3));
        BufferedImage grid = ImageGrid.grid(tiles, List.of("T-shirt/top", "Trouser", "Ankle boot"), 3, 2, 4);
        assertLayout(grid, tiles, 3, 2, 4, ImageGrid.captionHeight());
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ImageGrid.grid(List.of(), null, 2, 1, 1));
        assertThrows(
                IllegalArgumentException.class,
                () -> ImageGrid.grid(List.of(grey(2, 2, 0), grey(3, 2, 0)), null, 2, 1, 1));
        assertThrows(
                IllegalArgumentException.class,
                () -> ImageGrid.grid(List.of(grey(2, 2, 0)), List.of("a", "b"), 2, 1, 1));
    }

    /** The tile a kernel should become, computed directly from the definition. */
    private static int[][] expectedKernel(float[] w, int k, int c, int kh, int kw) {
        int size = c * kh * kw;
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        float[][] shown = new float[3][kh * kw];
        for (int p = 0; p < kh * kw; p++) {
            for (int ch = 0; ch < 3; ch++) {
                float v;
                if (c == 3) {
                    v = w[k * size + ch * kh * kw + p];
                } else {
                    float s = 0;
                    for (int j = 0; j < c; j++) {
                        s += w[k * size + j * kh * kw + p];
                    }
                    v = s / c;
                }
                shown[ch][p] = v;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        int[][] rgb = new int[kh][kw];
        for (int p = 0; p < kh * kw; p++) {
            int r = Math.round((shown[0][p] - min) / (max - min) * 255f);
            int g = Math.round((shown[1][p] - min) / (max - min) * 255f);
            int b = Math.round((shown[2][p] - min) / (max - min) * 255f);
            rgb[p / kw][p % kw] = (r << 16) | (g << 8) | b;
        }
        return rgb;
    }

    private static void assertKernels(float[] w, int k, int c, int kh, int kw, int columns, int scale) {
        BufferedImage grid = ImageGrid.kernels(w, new long[] {k, c, kh, kw}, columns, scale);
        int gap = 1;
        int rows = (k + columns - 1) / columns;
        assertEquals(columns * (kw * scale + gap) + gap, grid.getWidth());
        assertEquals(rows * (kh * scale + gap) + gap, grid.getHeight());
        for (int i = 0; i < k; i++) {
            int[][] expected = expectedKernel(w, i, c, kh, kw);
            int x0 = gap + (i % columns) * (kw * scale + gap);
            int y0 = gap + (i / columns) * (kh * scale + gap);
            boolean sawBlack = false;
            boolean sawWhite = false;
            for (int y = 0; y < kh * scale; y++) {
                for (int x = 0; x < kw * scale; x++) {
                    int actual = grid.getRGB(x0 + x, y0 + y) & 0xFFFFFF;
                    assertEquals(expected[y / scale][x / scale], actual, "kernel " + i + " at " + x + "," + y);
                    sawBlack |= c != 3 && actual == 0;
                    sawWhite |= c != 3 && actual == 0xFFFFFF;
                }
            }
            if (c != 3) {
                assertEquals(true, sawBlack && sawWhite, "each grey kernel spans black to white on its own");
            }
        }
    }

    @Test
    void rgbKernelsAreNormalisedPerKernel() {
        Random r = new Random(7);
        int k = 5;
        float[] w = new float[k * 3 * 11 * 11];
        for (int i = 0; i < w.length; i++) {
            // Kernels of very different scales: each must still use the full range.
            w[i] = (float) (r.nextGaussian() * Math.pow(10, i / (3 * 11 * 11) - 2));
        }
        assertKernels(w, k, 3, 11, 11, 3, 2);
    }

    @Test
    void greyAndMultiChannelKernelsShowTheChannelMean() {
        Random r = new Random(8);
        float[] one = new float[6 * 5 * 5];
        for (int i = 0; i < one.length; i++) {
            one[i] = r.nextFloat() - 0.5f;
        }
        assertKernels(one, 6, 1, 5, 5, 4, 3);
        float[] four = new float[3 * 4 * 3 * 3];
        for (int i = 0; i < four.length; i++) {
            four[i] = r.nextFloat();
        }
        assertKernels(four, 3, 4, 3, 3, 3, 1);
    }

    @Test
    void aConstantKernelIsBlack() {
        BufferedImage grid = ImageGrid.kernels(new float[] {0.5f, 0.5f, 0.5f, 0.5f}, new long[] {1, 1, 2, 2}, 1, 1);
        assertEquals(0, grid.getRGB(1, 1) & 0xFFFFFF);
    }

    @Test
    void kernelsFromAnNDArrayMatchTheHostValues() {
        try (NDManager manager = NDManager.newBaseManager()) {
            var weights = manager.randomNormal(new Shape(4, 3, 11, 11));
            float[] host = weights.toFloatArray();
            BufferedImage fromArray = ImageGrid.kernels(weights, 2, 2);
            BufferedImage fromHost = ImageGrid.kernels(host, new long[] {4, 3, 11, 11}, 2, 2);
            for (int y = 0; y < fromHost.getHeight(); y++) {
                for (int x = 0; x < fromHost.getWidth(); x++) {
                    assertEquals(fromHost.getRGB(x, y), fromArray.getRGB(x, y));
                }
            }
            assertThrows(IllegalArgumentException.class, () -> ImageGrid.kernels(manager.zeros(new Shape(2, 3)), 2, 2));
        }
    }

    @Test
    void fashionMnistSamplesWithTheirLabels() {
        assumeTrue(
                Files.isRegularFile(FashionMnist.SYSTEM_DIRECTORY.resolve("t10k-images-idx3-ubyte.gz")),
                "Fashion-MNIST files not installed");
        FashionMnist test = FashionMnist.builder()
                .optUsage(Dataset.Usage.TEST)
                .optResolution(28)
                .setSampling(8, false)
                .build();
        int[] indices = {0, 1, 2, 3, 4};
        BufferedImage grid = ImageGrid.fashionMnist(test, indices, 3, 2);
        List<BufferedImage> tiles = new ArrayList<>();
        for (int i : indices) {
            tiles.add(test.getImage(i));
        }
        assertLayout(grid, tiles, 3, 2, 4, ImageGrid.captionHeight());
    }
}
