package org.alexnet.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.Dataset.Usage;
import java.util.Arrays;
import java.util.Random;
import org.alexnet.data.transform.FloatImage;
import org.alexnet.data.transform.RandomCrop;
import org.alexnet.data.transform.RandomFlip;
import org.alexnet.eval.Evaluation;
import org.junit.jupiter.api.Test;

/** The paper's crops at Fashion-MNIST's scale: geometry, determinism, and ten-patch softmax averaging. */
class FashionMnistCropsTest {

    private static final int R = 24;

    private static FashionMnist set(FashionMnist.Crops crops, int resolution, int epoch) throws Exception {
        FashionMnist d = FashionMnist.builder()
                .optUsage(Usage.TEST)
                .optResolution(resolution)
                .optSubset(20, 3)
                .optCrops(crops, 7)
                .setSampling(new EpochShuffleSampler(20, 1).setEpoch(epoch))
                .build();
        d.prepare();
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            d.getData(m); // as Training does each epoch: the random patches take the sampler's epoch
        }
        return d;
    }

    /** Image i of a (N, 1, s, s) host array. */
    private static FloatImage image(float[] all, int i, int s) {
        return new FloatImage(1, s, s, Arrays.copyOfRange(all, i * s * s, (i + 1) * s * s));
    }

    @Test
    void scaledSideIsTwoFiftySixOverTwoTwentyFour() {
        assertEquals(256, FashionMnist.scaledSide(224));
        assertEquals(110, FashionMnist.scaledSide(96)); // 109.7
        assertEquals(82, FashionMnist.scaledSide(72)); // 82.3
        assertEquals(27, FashionMnist.scaledSide(24)); // 27.4
    }

    @Test
    void patchesAreCutFromTheEnlargedImage() throws Exception {
        int s = FashionMnist.scaledSide(R);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            long[] idx = {0, 5, 19};
            float[] whole = set(FashionMnist.Crops.NONE, s, 0).getImages(m, idx).toFloatArray();
            NDArray ten = set(FashionMnist.Crops.TEN, R, 0).getImages(m, idx);
            assertEquals(new Shape(30, 1, R, R), ten.getShape());
            float[] t = ten.toFloatArray();
            float[] centre =
                    set(FashionMnist.Crops.CENTRE, R, 0).getImages(m, idx).toFloatArray();
            int p = R * R;
            for (int i = 0; i < idx.length; i++) {
                FloatImage big = image(whole, i, s);
                int[][] corners = {{0, 0}, {0, s - R}, {s - R, 0}, {s - R, s - R}, {(s - R) / 2, (s - R) / 2}};
                for (int c = 0; c < 5; c++) {
                    FloatImage expected = big.crop(corners[c][0], corners[c][1], R, R);
                    assertArrayEquals(
                            expected.data(),
                            Arrays.copyOfRange(t, (i * 10 + c) * p, (i * 10 + c + 1) * p),
                            "patch " + c);
                    assertArrayEquals(
                            expected.flipHorizontally().data(),
                            Arrays.copyOfRange(t, (i * 10 + c + 5) * p, (i * 10 + c + 6) * p),
                            "mirrored patch " + c);
                }
                assertArrayEquals(
                        Arrays.copyOfRange(t, (i * 10 + 4) * p, (i * 10 + 5) * p),
                        Arrays.copyOfRange(centre, i * p, (i + 1) * p));
            }

            // Random patches: the offset and the mirror drawn from (seed, epoch, index), nothing else.
            float[] random =
                    set(FashionMnist.Crops.RANDOM, R, 2).getImages(m, idx).toFloatArray();
            boolean flipped = false;
            for (int i = 0; i < idx.length; i++) {
                Random g = new Random(FashionMnist.cropSeed(7, 2, idx[i]));
                int[] o = RandomCrop.offset(s, s, R, g);
                boolean flip = RandomFlip.draw(g);
                flipped |= flip;
                FloatImage patch = image(whole, i, s).crop(o[0], o[1], R, R);
                assertArrayEquals(
                        (flip ? patch.flipHorizontally() : patch).data(),
                        Arrays.copyOfRange(random, i * p, (i + 1) * p));
            }
            float[] again =
                    set(FashionMnist.Crops.RANDOM, R, 2).getImages(m, idx).toFloatArray();
            assertArrayEquals(random, again);
            float[] nextEpoch =
                    set(FashionMnist.Crops.RANDOM, R, 3).getImages(m, idx).toFloatArray();
            assertFalse(Arrays.equals(random, nextEpoch));
            assertTrue(flipped || idx.length < 3);
        }
    }

    @Test
    void tenPatchEvaluationAveragesTheTenSoftmaxes() throws Exception {
        FashionMnist ten = set(FashionMnist.Crops.TEN, R, 0);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            SequentialBlock net = new SequentialBlock()
                    .add(Blocks.batchFlattenBlock())
                    .add(Linear.builder().setUnits(10).build());
            net.initialize(m, DataType.FLOAT32, new Shape(1, 1, R, R));
            ParameterStore ps = new ParameterStore(m, false);
            Evaluation e = Evaluation.run(x -> net.forward(ps, x, false), ten, m, 10);
            assertEquals(20, e.getCount());

            // By hand: every image's ten rows through the net, softmax each, average, argmax.
            long[] idx = new long[20];
            Arrays.setAll(idx, i -> i);
            float[] scores = net.forward(ps, new NDList(ten.getImages(m, idx)), false)
                    .head()
                    .toFloatArray();
            long correct = 0;
            long differs = 0;
            for (int i = 0; i < 20; i++) {
                double[] mean = new double[10];
                for (int r = 0; r < 10; r++) {
                    double[] row = new double[10];
                    double sum = 0;
                    for (int c = 0; c < 10; c++) {
                        row[c] = Math.exp(scores[(i * 10 + r) * 10 + c]);
                        sum += row[c];
                    }
                    for (int c = 0; c < 10; c++) {
                        mean[c] += row[c] / sum / 10;
                    }
                }
                int best = 0;
                for (int c = 1; c < 10; c++) {
                    best = mean[c] > mean[best] ? c : best;
                }
                correct += best == ten.getLabel(i) ? 1 : 0;
                long[] confusionRow = e.getConfusion()[ten.getLabel(i)];
                differs += confusionRow[best] > 0 ? 0 : 1;
            }
            assertEquals(correct / 20.0, e.getTop1(), 1e-12);
            assertEquals(0, differs); // each averaged prediction is in the confusion matrix's row
        }
    }
}
