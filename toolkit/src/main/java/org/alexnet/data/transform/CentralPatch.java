package org.alexnet.data.transform;

import java.awt.image.BufferedImage;

/**
 * The central S x S patch of an image whose shorter side is scaled to S (the paper's 256 x 256
 * input), interpolated only where a crop taken from it needs pixels: the training pipeline keeps a
 * 224 x 224 crop, so a quarter of the patch (and the part of the image outside the patch) is never
 * computed. Values are those of {@link Images#resizeShorterSide} followed by the crops, exactly.
 */
public final class CentralPatch {

    private static volatile float[] zeros;

    private final byte[] bgr;
    private final int height;
    private final int width;
    private final int targetHeight;
    private final int targetWidth;
    private final int top;
    private final int left;
    private final int size;

    private CentralPatch(byte[] bgr, int height, int width, int[] target, int size) {
        this.bgr = bgr;
        this.height = height;
        this.width = width;
        this.targetHeight = target[0];
        this.targetWidth = target[1];
        this.top = (target[0] - size) / 2;
        this.left = (target[1] - size) / 2;
        this.size = size;
    }

    /**
     * The central {@code size} patch of the h x w image with packed BGR pixels {@code bgr} (read, not
     * copied; the image is halved first when it is at least twice the scaled size, as {@link
     * Images#resizeShorterSide} does).
     */
    public static CentralPatch of(byte[] bgr, int h, int w, int size) {
        return of(bgr, h, w, h, w, size);
    }

    /**
     * The central {@code size} patch of a fullH x fullW image that {@code bgr} holds at a reduced
     * size h x w (a JPEG decoder's DCT scaling): the scaled size and the patch's place are those of
     * the full image, as if it had been decoded whole and halved.
     */
    public static CentralPatch of(byte[] bgr, int h, int w, int fullH, int fullW, int size) {
        if (size < 1 || bgr.length < 3 * h * w) {
            throw new IllegalArgumentException(
                    "need size >= 1 and " + 3 * h * w + " bytes, got " + size + " and " + bgr.length);
        }
        int[] target = Images.shorterSideSize(fullH, fullW, size);
        while (h >= 2 * target[0] && w >= 2 * target[1]) {
            bgr = Images.half(bgr, h, w);
            h /= 2;
            w /= 2;
        }
        return new CentralPatch(bgr, h, w, target, size);
    }

    /** The central {@code size} patch of {@code image}. */
    public static CentralPatch of(BufferedImage image, int size) {
        return of(Images.packedBgr(image), image.getHeight(), image.getWidth(), size);
    }

    /** The side S of the patch. */
    public int size() {
        return size;
    }

    /** The whole patch as RGB floats 0..255. */
    public FloatImage toFloatImage() {
        float[] out = new float[3 * size * size];
        writeCrop(0, 0, size, false, null, null, 1f, out, 0);
        return new FloatImage(3, size, size, out);
    }

    /**
     * Writes the crop x crop window at (cropTop, cropLeft) of the patch into {@code dest} from {@code
     * offset} as RGB planes (3 x crop x crop floats), mirrored left-right when {@code flip}. Each
     * value is (pixel - mean + shift[c]) * factor, the pixel being the interpolated value rounded to
     * 0..255 and {@code mean} a 3 x S x S image indexed at the pixel's place in the patch.
     *
     * @param mean null for none
     * @param shift null for none, else one value per RGB channel
     */
    public void writeCrop(
            int cropTop,
            int cropLeft,
            int crop,
            boolean flip,
            FloatImage mean,
            float[] shift,
            float factor,
            float[] dest,
            int offset) {
        if (cropTop < 0 || cropLeft < 0 || crop < 1 || cropTop + crop > size || cropLeft + crop > size) {
            throw new IllegalArgumentException("crop " + crop + " at (" + cropTop + ", " + cropLeft
                    + ") does not fit in the " + size + "x" + size + " patch");
        }
        if (mean != null && (mean.channels() != 3 || mean.height() != size || mean.width() != size)) {
            throw new IllegalArgumentException("the mean image must be 3x" + size + "x" + size + ", got " + mean);
        }
        float[] m = mean == null ? zeros(3 * size * size) : mean.data();
        float sr = shift == null ? 0f : shift[0];
        float sg = shift == null ? 0f : shift[1];
        float sb = shift == null ? 0f : shift[2];
        int[] x0 = new int[crop];
        int[] x1 = new int[crop];
        int[] fx = new int[crop];
        Images.taps(width, targetWidth, left + cropLeft, x0, x1, fx);
        int[] y0 = new int[crop];
        int[] y1 = new int[crop];
        int[] fy = new int[crop];
        Images.taps(height, targetHeight, top + cropTop, y0, y1, fy);
        // Rows first, over the source columns the crop reads; then columns, straight into the planes.
        int from = x0[0];
        for (int x = 0; x < crop; x++) {
            x0[x] = 3 * (x0[x] - from);
            x1[x] = 3 * (x1[x] - from);
        }
        int[] row = new int[x1[crop - 1] + 3];
        int stride = 3 * width;
        int plane = crop * crop;
        int meanPlane = size * size;
        for (int y = 0; y < crop; y++) {
            int a = y0[y] * stride + 3 * from;
            int b = y1[y] * stride + 3 * from;
            int f = fy[y];
            for (int k = 0; k < row.length; k++) {
                int v = bgr[a + k] & 0xFF;
                row[k] = (v << 8) + ((bgr[b + k] & 0xFF) - v) * f;
            }
            int meanRow = (cropTop + y) * size + cropLeft;
            int step = flip ? -1 : 1;
            int d = offset + y * crop + (flip ? crop - 1 : 0);
            for (int x = 0; x < crop; x++, d += step) {
                int p = x0[x];
                int q = x1[x];
                int g = fx[x];
                int vb = row[p];
                int vg = row[p + 1];
                int vr = row[p + 2];
                float blue = ((vb << 8) + (row[q] - vb) * g + 0x8000) >> 16;
                float green = ((vg << 8) + (row[q + 1] - vg) * g + 0x8000) >> 16;
                float red = ((vr << 8) + (row[q + 2] - vr) * g + 0x8000) >> 16;
                dest[d] = (red - m[meanRow + x] + sr) * factor;
                dest[plane + d] = (green - m[meanPlane + meanRow + x] + sg) * factor;
                dest[2 * plane + d] = (blue - m[2 * meanPlane + meanRow + x] + sb) * factor;
            }
        }
    }

    /** A shared zero mean of at least n values (read only): one loop serves both cases, and runs faster. */
    private static float[] zeros(int n) {
        float[] z = zeros;
        if (z == null || z.length < n) {
            z = new float[n];
            zeros = z;
        }
        return z;
    }

    @Override
    public String toString() {
        return "CentralPatch(" + size + " of " + height + "x" + width + " scaled to " + targetHeight + "x" + targetWidth
                + ")";
    }
}
