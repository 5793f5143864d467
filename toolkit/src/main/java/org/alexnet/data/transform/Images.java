package org.alexnet.data.transform;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/** Java2D steps shared by the resize transform and the input pipeline. */
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
     * Resizes so the shorter side is {@code shorter}, bilinearly. Large reductions go in halving
     * steps first, so every output pixel still averages the input pixels it covers (a single
     * bilinear step would skip most of them and alias).
     */
    public static BufferedImage resizeShorterSide(BufferedImage image, int shorter) {
        BufferedImage current = toBgr(image);
        int[] target = shorterSideSize(current.getHeight(), current.getWidth(), shorter);
        while (current.getHeight() >= 2 * target[0] && current.getWidth() >= 2 * target[1]) {
            current = scale(current, current.getHeight() / 2, current.getWidth() / 2);
        }
        if (current.getHeight() == target[0] && current.getWidth() == target[1]) {
            return current;
        }
        return scale(current, target[0], target[1]);
    }

    /**
     * The central {@code crop x crop} patch of {@link #resizeShorterSide(BufferedImage, int)}, computed
     * without the rest: the same transform is drawn into a crop-sized canvas, so Java2D only
     * interpolates the pixels that are kept (a quarter less work for a 4:3 photo), at the same
     * sampling positions; values agree up to a rare rounding difference of one grey level.
     */
    public static BufferedImage resizeShorterSideCentred(BufferedImage image, int shorter, int crop) {
        BufferedImage current = toBgr(image);
        int[] target = shorterSideSize(current.getHeight(), current.getWidth(), shorter);
        if (crop > target[0] || crop > target[1]) {
            throw new IllegalArgumentException("cannot crop " + crop + " from " + target[0] + "x" + target[1]);
        }
        while (current.getHeight() >= 2 * target[0] && current.getWidth() >= 2 * target[1]) {
            current = scale(current, current.getHeight() / 2, current.getWidth() / 2);
        }
        int top = (target[0] - crop) / 2;
        int left = (target[1] - crop) / 2;
        BufferedImage out = new BufferedImage(crop, crop, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.translate(-left, -top);
            g.drawImage(current, 0, 0, target[1], target[0], null);
        } finally {
            g.dispose();
        }
        return out;
    }

    private static BufferedImage scale(BufferedImage image, int h, int w) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(image, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return out;
    }
}
