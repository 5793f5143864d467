package org.alexnet.plot;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.alexnet.data.FashionMnist;
import org.alexnet.eval.Predictions;

/**
 * Grids of small pictures as one {@link BufferedImage}: dataset samples with their labels, or a
 * convolution layer's kernels. Tiles are enlarged by whole pixels (nearest neighbour) and copied value
 * by value, so a grey level of 128 in a tile is (128, 128, 128) in the grid; Java2D's drawImage would
 * convert linear grey to sRGB on the way.
 */
public final class ImageGrid {

    /** Background and gap colour. */
    public static final int BACKGROUND = 0xFFFFFF;

    private static final int CAPTION_FONT_SIZE = 11;

    private ImageGrid() {}

    /**
     * Pictures of different sizes as equal {@code side x side} tiles, all shrunk (or enlarged) by one
     * common factor so that the largest fits, and drawn at the top-left of their tile: relative sizes
     * stay visible, as when showing photographs of various sizes side by side.
     */
    public static List<BufferedImage> atCommonScale(List<BufferedImage> images, int side) {
        int largest = 1;
        for (BufferedImage img : images) {
            largest = Math.max(largest, Math.max(img.getWidth(), img.getHeight()));
        }
        double factor = (double) side / largest;
        List<BufferedImage> out = new ArrayList<>(images.size());
        for (BufferedImage img : images) {
            BufferedImage tile = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = tile.createGraphics();
            try {
                g.setColor(new Color(BACKGROUND));
                g.fillRect(0, 0, side, side);
                g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
                g.drawImage(
                        img,
                        0,
                        0,
                        Math.max(1, (int) Math.round(img.getWidth() * factor)),
                        Math.max(1, (int) Math.round(img.getHeight() * factor)),
                        null);
            } finally {
                g.dispose();
            }
            out.add(tile);
        }
        return out;
    }

    /**
     * Lays out {@code tiles} row by row.
     *
     * @param tiles pictures of equal size (grey ones as TYPE_BYTE_GRAY, others through getRGB)
     * @param captions one caption per tile drawn under it, or null for none
     * @param columns tiles per row
     * @param scale enlargement factor (1 = original size)
     * @param gap pixels of background between tiles and around the grid
     * @return an RGB picture of {@code columns * (w*scale + gap) + gap} by
     *     {@code rows * (h*scale + captionHeight + gap) + gap} pixels
     */
    public static BufferedImage grid(
            List<BufferedImage> tiles, List<String> captions, int columns, int scale, int gap) {
        return grid(tiles, captions, null, columns, scale, gap);
    }

    /**
     * Lays out {@code tiles} row by row, with a frame around some of them.
     *
     * @param captions one caption per tile (lines separated by '\n'), or null for none
     * @param frames one colour per tile, drawn in the gap around it (null entries: no frame), or null
     * @param gap pixels between tiles; frames are {@code gap / 2} pixels wide
     */
    public static BufferedImage grid(
            List<BufferedImage> tiles, List<String> captions, List<Color> frames, int columns, int scale, int gap) {
        if (tiles.isEmpty()) {
            throw new IllegalArgumentException("no tiles to lay out");
        }
        if (columns < 1 || scale < 1 || gap < 0) {
            throw new IllegalArgumentException("need columns >= 1, scale >= 1, gap >= 0");
        }
        if (captions != null && captions.size() != tiles.size()) {
            throw new IllegalArgumentException(tiles.size() + " tiles but " + captions.size() + " captions");
        }
        if (frames != null && frames.size() != tiles.size()) {
            throw new IllegalArgumentException(tiles.size() + " tiles but " + frames.size() + " frames");
        }
        int w = tiles.get(0).getWidth();
        int h = tiles.get(0).getHeight();
        for (BufferedImage t : tiles) {
            if (t.getWidth() != w || t.getHeight() != h) {
                throw new IllegalArgumentException(
                        "tiles differ in size: " + w + "x" + h + " and " + t.getWidth() + "x" + t.getHeight());
            }
        }
        int cols = Math.min(columns, tiles.size());
        int rows = (tiles.size() + cols - 1) / cols;
        int lines = captions == null
                ? 0
                : captions.stream()
                        .mapToInt(c -> c.split("\n", -1).length)
                        .max()
                        .orElse(1);
        int captionHeight = lines * captionHeight();
        int cellW = w * scale + gap;
        int cellH = h * scale + captionHeight + gap;
        BufferedImage out = new BufferedImage(cols * cellW + gap, rows * cellH + gap, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(new Color(BACKGROUND));
            g.fillRect(0, 0, out.getWidth(), out.getHeight());
            int frame = gap / 2;
            for (int i = 0; i < tiles.size(); i++) {
                int x0 = gap + (i % cols) * cellW;
                int y0 = gap + (i / cols) * cellH;
                if (frames != null && frames.get(i) != null && frame > 0) {
                    g.setColor(frames.get(i));
                    g.fillRect(x0 - frame, y0 - frame, w * scale + 2 * frame, h * scale + 2 * frame);
                }
                copyScaled(tiles.get(i), out, x0, y0, scale);
                if (captions != null) {
                    String[] parts = captions.get(i).split("\n", -1);
                    Color colour = frames != null && frames.get(i) != null
                            ? frames.get(i).darker()
                            : Color.BLACK;
                    for (int l = 0; l < parts.length; l++) {
                        drawCaption(
                                g,
                                parts[l],
                                x0,
                                y0 + h * scale + l * captionHeight(),
                                w * scale,
                                captionHeight(),
                                l == 0 ? Color.BLACK : colour);
                    }
                }
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    /** Frame colour of a correct prediction in {@link #predictions}. */
    public static final Color RIGHT = new Color(0x2E, 0x9E, 0x44);

    /** Frame colour of a wrong prediction in {@link #predictions}. */
    public static final Color WRONG = new Color(0xD6, 0x27, 0x28);

    /**
     * Examples with the model's answers: each tile captioned with the predicted class and, for a
     * mistake, the true one ("is Shirt"); green frames for right answers, red for mistakes.
     *
     * @param positions which of the predictions to show (e.g. {@code predictions.mistakes()})
     */
    public static BufferedImage predictions(
            FashionMnist data, Predictions predictions, int[] positions, int columns, int scale) {
        List<BufferedImage> tiles = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        List<Color> frames = new ArrayList<>();
        List<String> names = data.getClassNames();
        for (int p : positions) {
            tiles.add(data.getImage(predictions.index(p)));
            boolean right = predictions.correct(p);
            captions.add(names.get(predictions.predicted(p)) + "\n"
                    + (right ? "right" : "is " + names.get(predictions.label(p))));
            frames.add(right ? RIGHT : WRONG);
        }
        return grid(tiles, captions, frames, columns, scale, 6);
    }

    /**
     * Feature maps of one example, e.g. conv1's output of shape (96, 55, 55), one grey tile per map
     * (the first {@code count}), each stretched to its own minimum (black) and maximum (white).
     *
     * @param maps shape (C, H, W) or (1, C, H, W)
     */
    public static BufferedImage featureMaps(NDArray maps, int count, int columns, int scale) {
        return featureMaps(maps, count, columns, scale, Float.NaN, Float.NaN);
    }

    /**
     * Feature maps on one common scale: {@code low} is black, {@code high} white, values outside are
     * clipped; so maps of two layers (before and after LRN, say) can be compared by brightness. NaN
     * bounds stretch each map on its own.
     */
    public static BufferedImage featureMaps(NDArray maps, int count, int columns, int scale, float low, float high) {
        long[] shape = maps.getShape().getShape();
        if (shape.length == 4 && shape[0] == 1) {
            shape = new long[] {shape[1], shape[2], shape[3]};
        }
        if (shape.length != 3) {
            throw new IllegalArgumentException("expected maps of shape (C, H, W), got " + maps.getShape());
        }
        return featureMaps(
                maps.toType(DataType.FLOAT32, false).toFloatArray(), shape, count, columns, scale, low, high);
    }

    /** {@link #featureMaps(NDArray, int, int, int, float, float)} from host values in (C, H, W) order. */
    public static BufferedImage featureMaps(
            float[] values, long[] shape, int count, int columns, int scale, float low, float high) {
        int c = Math.toIntExact(shape[0]);
        int h = Math.toIntExact(shape[1]);
        int w = Math.toIntExact(shape[2]);
        if ((long) c * h * w != values.length) {
            throw new IllegalArgumentException("shape does not match the number of values");
        }
        boolean own = Float.isNaN(low) || Float.isNaN(high);
        List<BufferedImage> tiles = new ArrayList<>();
        for (int m = 0; m < Math.min(count, c); m++) {
            int offset = m * h * w;
            float min = low;
            float max = high;
            if (own) {
                min = Float.POSITIVE_INFINITY;
                max = Float.NEGATIVE_INFINITY;
                for (int p = 0; p < h * w; p++) {
                    min = Math.min(min, values[offset + p]);
                    max = Math.max(max, values[offset + p]);
                }
            }
            BufferedImage tile = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            for (int p = 0; p < h * w; p++) {
                float v = Math.max(min, Math.min(max, values[offset + p]));
                int g = toByte(v, min, max);
                tile.setRGB(p % w, p / w, (g << 16) | (g << 8) | g);
            }
            tiles.add(tile);
        }
        return grid(tiles, null, columns, scale, 1);
    }

    /** Height of the caption strip under each tile. */
    public static int captionHeight() {
        return CAPTION_FONT_SIZE + 5;
    }

    /**
     * Fashion-MNIST samples with their class names, at the original 28x28 pixels enlarged
     * {@code scale} times.
     */
    public static BufferedImage fashionMnist(FashionMnist data, int[] indices, int columns, int scale) {
        List<BufferedImage> tiles = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        for (int index : indices) {
            tiles.add(data.getImage(index));
            captions.add(data.getClassNames().get(data.getLabel(index)));
        }
        return grid(tiles, captions, columns, scale, 4);
    }

    /** The first {@code count} samples of {@code data}, 3x enlarged (room for the labels). */
    public static BufferedImage fashionMnist(FashionMnist data, int count, int columns) {
        int[] indices = new int[Math.min(count, Math.toIntExact(data.size()))];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = i;
        }
        return fashionMnist(data, indices, columns, 3);
    }

    /**
     * A convolution layer's kernels, one tile each, e.g. AlexNet's conv1 weights of shape
     * (96, C, 11, 11). Each kernel is stretched to the full 0..255 range on its own (its minimum black,
     * its maximum white) so that small and large kernels are equally visible. Three input channels
     * show as RGB, any other number as the grey mean over channels.
     *
     * @param weights shape (K, C, kh, kw), any floating type, on any device
     */
    public static BufferedImage kernels(NDArray weights, int columns, int scale) {
        long[] shape = weights.getShape().getShape();
        if (shape.length != 4) {
            throw new IllegalArgumentException("expected kernels of shape (K, C, kh, kw), got " + weights.getShape());
        }
        float[] values = weights.toType(DataType.FLOAT32, false).toFloatArray();
        return kernels(values, shape, columns, scale);
    }

    /** {@link #kernels(NDArray, int, int)} from host values in row-major (K, C, kh, kw) order. */
    public static BufferedImage kernels(float[] values, long[] shape, int columns, int scale) {
        int k = Math.toIntExact(shape[0]);
        int c = Math.toIntExact(shape[1]);
        int kh = Math.toIntExact(shape[2]);
        int kw = Math.toIntExact(shape[3]);
        if ((long) k * c * kh * kw != values.length) {
            throw new IllegalArgumentException("shape does not match the number of values");
        }
        List<BufferedImage> tiles = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            tiles.add(kernelTile(values, i * c * kh * kw, c, kh, kw));
        }
        return grid(tiles, null, columns, scale, 1);
    }

    /** One kernel as a picture, normalised to its own minimum and maximum. */
    static BufferedImage kernelTile(float[] w, int offset, int channels, int kh, int kw) {
        int plane = kh * kw;
        float[][] rgb = new float[3][plane];
        for (int p = 0; p < plane; p++) {
            if (channels == 3) {
                for (int ch = 0; ch < 3; ch++) {
                    rgb[ch][p] = w[offset + ch * plane + p];
                }
            } else {
                float sum = 0;
                for (int ch = 0; ch < channels; ch++) {
                    sum += w[offset + ch * plane + p];
                }
                float mean = sum / channels;
                rgb[0][p] = mean;
                rgb[1][p] = mean;
                rgb[2][p] = mean;
            }
        }
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float[] ch : rgb) {
            for (float v : ch) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        BufferedImage tile = new BufferedImage(kw, kh, BufferedImage.TYPE_INT_RGB);
        for (int p = 0; p < plane; p++) {
            int r = toByte(rgb[0][p], min, max);
            int g = toByte(rgb[1][p], min, max);
            int b = toByte(rgb[2][p], min, max);
            tile.setRGB(p % kw, p / kw, (r << 16) | (g << 8) | b);
        }
        return tile;
    }

    /** (v - min) / (max - min) scaled to 0..255 and rounded; a constant kernel is black. */
    static int toByte(float v, float min, float max) {
        if (!(max > min)) {
            return 0;
        }
        return Math.round((v - min) / (max - min) * 255f);
    }

    /** A tile pixel as 0xRRGGBB; grey tiles by value, without colour-space conversion. */
    static int rgbAt(BufferedImage image, int x, int y) {
        if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            int v = image.getRaster().getSample(x, y, 0);
            return (v << 16) | (v << 8) | v;
        }
        return image.getRGB(x, y) & 0xFFFFFF;
    }

    private static void copyScaled(BufferedImage tile, BufferedImage out, int x0, int y0, int scale) {
        for (int y = 0; y < tile.getHeight(); y++) {
            for (int x = 0; x < tile.getWidth(); x++) {
                int rgb = rgbAt(tile, x, y);
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) {
                        out.setRGB(x0 + x * scale + dx, y0 + y * scale + dy, rgb);
                    }
                }
            }
        }
    }

    private static void drawCaption(Graphics2D g, String text, int x, int y, int width, int height, Color colour) {
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, CAPTION_FONT_SIZE));
        g.setColor(colour);
        FontMetrics fm = g.getFontMetrics();
        String s = text;
        // Shorten to the tile's width ("Ankle boot" under a 28 px tile would spill into its neighbour).
        while (s.length() > 1 && fm.stringWidth(s) > width) {
            s = s.substring(0, s.length() - 1);
        }
        int tx = x + Math.max(0, (width - fm.stringWidth(s)) / 2);
        g.drawString(s, tx, y + height - 4);
    }
}
