package org.alexnet.data.transform;

import java.util.Locale;
import java.util.Random;

/**
 * The paper's second augmentation ("fancy PCA"): adds {@code [p1 p2 p3][a1 l1, a2 l2, a3 l3]^T} to
 * every RGB pixel, where p_i and l_i are the eigenvectors and eigenvalues of the 3 x 3 covariance of
 * RGB values over the training set and a_i ~ N(0, 0.1) is drawn once per image and presentation.
 *
 * <p>Scale: the eigenvalues are those of pixel values scaled to [0, 1] (as in the widely used
 * fb.resnet.torch recipe), and the shift is multiplied back by {@code pixelScale} (255 for our
 * 0..255 images). Taken literally on 0..255 values the eigenvalues are about 65,000 times larger
 * and a 0.1 draw would move colours by hundreds of levels, which cannot be what the paper meant.
 */
public final class PcaLighting implements ImageTransform {

    /** The paper's standard deviation of the a_i. */
    public static final double PAPER_STD = 0.1;

    private final float[] eigenvalues;
    private final float[][] eigenvectors;
    private final double std;
    private final float pixelScale;
    private final Random standalone;

    /**
     * @param eigenvalues l_1..l_3 of the RGB covariance of [0,1]-scaled pixels
     * @param eigenvectors eigenvectors[i] = p_i (unit length, RGB order)
     * @param std standard deviation of the a_i (paper: 0.1)
     * @param pixelScale the images' value of full intensity (255)
     * @param seed seed for standalone DJL use
     */
    public PcaLighting(float[] eigenvalues, float[][] eigenvectors, double std, float pixelScale, long seed) {
        if (eigenvalues.length != 3 || eigenvectors.length != 3) {
            throw new IllegalArgumentException("PCA lighting needs 3 eigenvalues and 3 eigenvectors");
        }
        this.eigenvalues = eigenvalues.clone();
        this.eigenvectors = new float[3][];
        for (int i = 0; i < 3; i++) {
            if (eigenvectors[i].length != 3) {
                throw new IllegalArgumentException("eigenvectors must have 3 components");
            }
            this.eigenvectors[i] = eigenvectors[i].clone();
        }
        this.std = std;
        this.pixelScale = pixelScale;
        this.standalone = new Random(seed);
    }

    /** Draws a_1..a_3 ~ N(0, std^2), in that order. */
    public double[] drawAlphas(Random random) {
        return new double[] {random.nextGaussian() * std, random.nextGaussian() * std, random.nextGaussian() * std};
    }

    /** The RGB shift sum_i a_i l_i p_i, in the images' scale. */
    public float[] shift(double[] alphas) {
        float[] rgb = new float[3];
        for (int c = 0; c < 3; c++) {
            double s = 0;
            for (int i = 0; i < 3; i++) {
                s += alphas[i] * eigenvalues[i] * eigenvectors[i][c];
            }
            rgb[c] = (float) (s * pixelScale);
        }
        return rgb;
    }

    @Override
    public FloatImage apply(FloatImage image, Random random) {
        if (image.channels() != 3) {
            throw new IllegalArgumentException(
                    "PCA lighting needs an RGB image, got " + image.channels() + " channels");
        }
        float[] rgb = shift(drawAlphas(random));
        float[] in = image.data();
        float[] out = new float[in.length];
        int plane = image.height() * image.width();
        for (int c = 0; c < 3; c++) {
            for (int i = c * plane; i < (c + 1) * plane; i++) {
                out[i] = in[i] + rgb[c];
            }
        }
        return new FloatImage(3, image.height(), image.width(), out);
    }

    @Override
    public Random standaloneRandom() {
        return standalone;
    }

    public float[] getEigenvalues() {
        return eigenvalues.clone();
    }

    public float[][] getEigenvectors() {
        float[][] copy = new float[3][];
        for (int i = 0; i < 3; i++) {
            copy[i] = eigenvectors[i].clone();
        }
        return copy;
    }

    public double getStd() {
        return std;
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "PcaLighting(std %.2f, eigenvalues %.4f %.4f %.4f)",
                std,
                eigenvalues[0],
                eigenvalues[1],
                eigenvalues[2]);
    }
}
