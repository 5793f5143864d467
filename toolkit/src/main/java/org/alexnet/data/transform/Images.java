package org.alexnet.data.transform;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;

/**
 * Resizing shared by the resize transform and the input pipeline, on packed BGR bytes (the layout
 * of TYPE_3BYTE_BGR and of the JPEG decoders' output).
 *
 * <p>The interpolation is Java2D's bilinear one, written out: pixel centres aligned (a target pixel
 * x samples the source at (x + 0.5) * scale - 0.5), edges clamped, 8-bit weights, rows blended
 * first and rounded once at the end. It agrees with {@code Graphics2D.drawImage} under
 * VALUE_INTERPOLATION_BILINEAR up to one grey level on rare pixels (Java2D places the samples in
 * 32-bit fixed point; a test checks this), and it computes any window of the scaled image exactly
 * as the whole, so the central patch is the crop of the full resize.
 */
public final class Images {

    private Images() {}

    /** {@code image} as TYPE_3BYTE_BGR (the image itself when it already is). */
    public static BufferedImage toBgr(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_3BYTE_BGR) {
            return image;
        }
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        try {
            g.drawImage(image, 0, 0, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /** The output size (height, width) when the shorter side of an h x w image becomes {@code shorter}. */
    public static int[] shorterSideSize(int h, int w, int shorter) {
        if (h <= w) {
            return new int[] {shorter, Math.max(1, (int) Math.round((double) w * shorter / h))};
        }
        return new int[] {Math.max(1, (int) Math.round((double) h * shorter / w)), shorter};
    }

    /**
     * How many times an h x w image is halved before the final bilinear step of
     * {@link #resizeShorterSide}: while it is at least twice the target in both directions.
     */
    public static int halvings(int h, int w, int shorter) {
        int[] target = shorterSideSize(h, w, shorter);
        int n = 0;
        while (h >= 2 * target[0] && w >= 2 * target[1]) {
            h /= 2;
            w /= 2;
            n++;
        }
        return n;
    }

    /**
     * Resizes so the shorter side is {@code shorter}, bilinearly. Large reductions go in halving
     * steps first, so every output pixel still averages the input pixels it covers (a single
     * bilinear step would skip most of them and alias).
     */
    public static BufferedImage resizeShorterSide(BufferedImage image, int shorter) {
        int h = image.getHeight();
        int w = image.getWidth();
        int[] target = shorterSideSize(h, w, shorter);
        BufferedImage out = new BufferedImage(target[1], target[0], BufferedImage.TYPE_3BYTE_BGR);
        resize(packedBgr(image), h, w, shorter, target[0], target[1], bytes(out));
        return out;
    }

    /**
     * The central {@code crop x crop} patch of {@link #resizeShorterSide(BufferedImage, int)},
     * computed without the rest (a quarter less work for a 4:3 photo), equal to it.
     */
    public static BufferedImage resizeShorterSideCentred(BufferedImage image, int shorter, int crop) {
        BufferedImage out = new BufferedImage(crop, crop, BufferedImage.TYPE_3BYTE_BGR);
        resizeShorterSideCentred(packedBgr(image), image.getHeight(), image.getWidth(), shorter, crop, bytes(out));
        return out;
    }

    /**
     * {@link #resizeShorterSideCentred(BufferedImage, int, int)} on packed BGR pixels {@code bgr} of an
     * h x w image, into {@code out} (at least crop * crop * 3 bytes). {@code bgr} is not changed.
     */
    public static void resizeShorterSideCentred(byte[] bgr, int h, int w, int shorter, int crop, byte[] out) {
        int[] target = shorterSideSize(h, w, shorter);
        if (crop > target[0] || crop > target[1]) {
            throw new IllegalArgumentException("cannot crop " + crop + " from " + target[0] + "x" + target[1]);
        }
        resize(bgr, h, w, shorter, crop, crop, out);
    }

    /** Halving steps, then the central outH x outW window of the final bilinear step. */
    private static void resize(byte[] bgr, int h, int w, int shorter, int outH, int outW, byte[] out) {
        int[] target = shorterSideSize(h, w, shorter);
        byte[] current = bgr;
        while (h >= 2 * target[0] && w >= 2 * target[1]) {
            current = half(current, h, w);
            h /= 2;
            w /= 2;
        }
        scale(current, h, w, target[0], target[1], (target[0] - outH) / 2, (target[1] - outW) / 2, outH, outW, out);
    }

    /** The h x w image scaled bilinearly to (h / 2) x (w / 2): 2 x 2 averages for even sizes. */
    static byte[] half(byte[] bgr, int h, int w) {
        byte[] out = new byte[3 * (h / 2) * (w / 2)];
        scale(bgr, h, w, h / 2, w / 2, 0, 0, h / 2, w / 2, out);
        return out;
    }

    /**
     * Writes into {@code out} (packed, outW pixels a row) the window at (top, left) of size outH x outW
     * of the h x w image {@code src} scaled bilinearly to th x tw.
     */
    static void scale(byte[] src, int h, int w, int th, int tw, int top, int left, int outH, int outW, byte[] out) {
        int[] x0 = new int[outW];
        int[] x1 = new int[outW];
        int[] fx = new int[outW];
        taps(w, tw, left, x0, x1, fx);
        int[] y0 = new int[outH];
        int[] y1 = new int[outH];
        int[] fy = new int[outH];
        taps(h, th, top, y0, y1, fy);
        // Only the source columns the window reads are blended.
        int from = x0[0];
        int to = x1[outW - 1];
        int[] row = new int[3 * (to - from + 1)];
        int stride = 3 * w;
        for (int y = 0; y < outH; y++) {
            int a = y0[y] * stride + 3 * from;
            int b = y1[y] * stride + 3 * from;
            int f = fy[y];
            for (int k = 0; k < row.length; k++) {
                int v = src[a + k] & 0xFF;
                row[k] = (v << 8) + ((src[b + k] & 0xFF) - v) * f;
            }
            int o = 3 * outW * y;
            for (int x = 0; x < outW; x++) {
                int p = 3 * (x0[x] - from);
                int q = 3 * (x1[x] - from);
                int g = fx[x];
                for (int c = 0; c < 3; c++) {
                    int v = row[p + c];
                    out[o++] = (byte) (((v << 8) + (row[q + c] - v) * g + 0x8000) >> 16);
                }
            }
        }
    }

    /**
     * For target positions offset .. offset + n - 1 of a size-to-length scale: the two source
     * indices and the 8-bit weight of the second.
     */
    static void taps(int size, int to, int offset, int[] i0, int[] i1, int[] frac) {
        double step = (double) size / to;
        for (int j = 0; j < i0.length; j++) {
            double p = (j + offset + 0.5) * step - 0.5;
            if (p <= 0) {
                i0[j] = 0;
                i1[j] = 0;
                frac[j] = 0;
            } else {
                int i = (int) p;
                i0[j] = Math.min(i, size - 1);
                i1[j] = Math.min(i + 1, size - 1);
                frac[j] = i >= size - 1 ? 0 : (int) ((p - i) * 256);
            }
        }
    }

    /** The pixels of {@code image} packed as BGR bytes, without a copy when they already are. */
    public static byte[] packedBgr(BufferedImage image) {
        BufferedImage bgr = toBgr(image);
        Raster r = bgr.getRaster();
        if (r.getSampleModel() instanceof PixelInterleavedSampleModel sm
                && sm.getScanlineStride() == 3 * bgr.getWidth()
                && r.getSampleModelTranslateX() == 0
                && r.getSampleModelTranslateY() == 0
                && ((DataBufferByte) r.getDataBuffer()).getOffset() == 0
                && r.getDataBuffer().getNumBanks() == 1) {
            return ((DataBufferByte) r.getDataBuffer()).getData();
        }
        // A sub-image or another layout: copy it out.
        BufferedImage copy = new BufferedImage(bgr.getWidth(), bgr.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        copy.setData(r);
        return bytes(copy);
    }

    private static byte[] bytes(BufferedImage image) {
        return ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    }
}
