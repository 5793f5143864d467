package org.alexnet.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageGridMarksTest {

    private static BufferedImage flat(int w, int h, int grey) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, grey);
            }
        }
        return img;
    }

    @Test
    void framesFillTheGapAroundTheirTilesOnly() {
        int gap = 6;
        BufferedImage grid = ImageGrid.grid(
                List.of(flat(4, 4, 10), flat(4, 4, 20), flat(4, 4, 30)),
                null,
                Arrays.asList(Color.RED, null, Color.GREEN),
                3,
                2,
                gap);
        int cell = 4 * 2 + gap;
        // Tile 0 occupies x, y in [6, 14); its frame is 3 px wide around it.
        assertEquals(0x0A0A0A, grid.getRGB(6, 6) & 0xFFFFFF);
        assertEquals(0xFF0000, grid.getRGB(3, 6) & 0xFFFFFF, "left of tile 0");
        assertEquals(0xFF0000, grid.getRGB(14, 16) & 0xFFFFFF, "right-bottom corner of tile 0");
        assertEquals(ImageGrid.BACKGROUND, grid.getRGB(2, 6) & 0xFFFFFF, "outside the frame");
        assertEquals(ImageGrid.BACKGROUND, grid.getRGB(gap + cell - 1, 8) & 0xFFFFFF, "tile 1 has no frame");
        assertEquals(0x00FF00, grid.getRGB(gap + 2 * cell - 1, 8) & 0xFFFFFF, "left of tile 2");
        assertEquals(0x1E1E1E, grid.getRGB(gap + 2 * cell, 8) & 0xFFFFFF, "tile 2 itself");
        assertThrows(
                IllegalArgumentException.class,
                () -> ImageGrid.grid(List.of(flat(2, 2, 0)), null, List.of(Color.RED, Color.RED), 1, 1, 2));
    }

    @Test
    void multiLineCaptionsMakeRoomForEachLine() {
        BufferedImage one = ImageGrid.grid(List.of(flat(10, 10, 0)), List.of("a"), 1, 1, 2);
        BufferedImage two = ImageGrid.grid(List.of(flat(10, 10, 0)), List.of("a\nb"), 1, 1, 2);
        assertEquals(10 + ImageGrid.captionHeight() + 4, one.getHeight());
        assertEquals(10 + 2 * ImageGrid.captionHeight() + 4, two.getHeight());
    }

    @Test
    void featureMapsOnTheirOwnRangeOrACommonOne() {
        // Two 2x2 maps: (0, 1, 2, 3) and (10, 10, 20, 30).
        float[] v = {0, 1, 2, 3, 10, 10, 20, 30};
        long[] shape = {2, 2, 2};
        BufferedImage own = ImageGrid.featureMaps(v, shape, 2, 2, 1, Float.NaN, Float.NaN);
        // Layout: gap 1, tile 2x2, so map 0 at x 1..2, map 1 at x 4..5, y 1..2.
        assertEquals(0, own.getRGB(1, 1) & 0xFF);
        assertEquals(Math.round(255f / 3), own.getRGB(2, 1) & 0xFF);
        assertEquals(255, own.getRGB(2, 2) & 0xFF);
        assertEquals(0, own.getRGB(4, 1) & 0xFF, "map 1's minimum is black too");
        assertEquals(Math.round(255f / 2), own.getRGB(4, 2) & 0xFF);
        // Common range 0..20: map 0 is dark, map 1's 30 is clipped to white.
        BufferedImage common = ImageGrid.featureMaps(v, shape, 2, 2, 1, 0, 20);
        assertEquals(Math.round(255f * 3 / 20), common.getRGB(2, 2) & 0xFF);
        assertEquals(Math.round(255f / 2), common.getRGB(4, 1) & 0xFF);
        assertEquals(255, common.getRGB(5, 2) & 0xFF);
        // count limits the number of maps shown.
        assertEquals(
                ImageGrid.featureMaps(v, shape, 1, 1, 1, Float.NaN, Float.NaN).getWidth(), 2 + 2);
    }

    @Test
    void commonScaleKeepsRelativeSizes() {
        BufferedImage big = new BufferedImage(400, 300, BufferedImage.TYPE_INT_RGB);
        BufferedImage small = new BufferedImage(100, 200, BufferedImage.TYPE_INT_RGB);
        List<BufferedImage> tiles = ImageGrid.atCommonScale(List.of(big, small), 200);
        // Factor 0.5: the 400x300 picture covers 200x150, the 100x200 one 50x100; the rest is background.
        org.junit.jupiter.api.Assertions.assertEquals(200, tiles.get(1).getWidth());
        org.junit.jupiter.api.Assertions.assertEquals(0x000000, tiles.get(0).getRGB(199, 149) & 0xFFFFFF);
        org.junit.jupiter.api.Assertions.assertEquals(
                ImageGrid.BACKGROUND, tiles.get(0).getRGB(100, 151) & 0xFFFFFF);
        org.junit.jupiter.api.Assertions.assertEquals(0x000000, tiles.get(1).getRGB(49, 99) & 0xFFFFFF);
        org.junit.jupiter.api.Assertions.assertEquals(
                ImageGrid.BACKGROUND, tiles.get(1).getRGB(51, 50) & 0xFFFFFF);
        org.junit.jupiter.api.Assertions.assertEquals(
                ImageGrid.BACKGROUND, tiles.get(1).getRGB(20, 101) & 0xFFFFFF);
    }
}
