package org.alexnet.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.util.Progress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class EpochShuffleSamplerTest {

    /** A dataset that only has a size; samplers never look at the data. */
    static RandomAccessDataset ofSize(int size) {
        return new RandomAccessDataset(new ArrayDataset.Builder().setSampling(1, false)) {
            @Override
            public Record get(NDManager manager, long index) {
                throw new UnsupportedOperationException();
            }

            @Override
            protected long availableSize() {
                return size;
            }

            @Override
            public void prepare(Progress progress) {}
        };
    }

    /** Runs one epoch through {@code sample()} and returns the batches. */
    static List<List<Long>> epoch(EpochShuffleSampler sampler, RandomAccessDataset dataset) {
        List<List<Long>> batches = new ArrayList<>();
        Iterator<List<Long>> it = sampler.sample(dataset);
        it.forEachRemaining(batches::add);
        return batches;
    }

    static long[] flatten(List<List<Long>> batches) {
        return batches.stream().flatMap(List::stream).mapToLong(Long::longValue).toArray();
    }

    @Test
    void everyEpochIsAPermutationInBatches() {
        RandomAccessDataset ds = ofSize(1000);
        EpochShuffleSampler sampler = new EpochShuffleSampler(128, 42);
        for (int e = 0; e < 5; e++) {
            List<List<Long>> batches = epoch(sampler, ds);
            assertEquals(8, batches.size());
            for (int b = 0; b < 7; b++) {
                assertEquals(128, batches.get(b).size());
            }
            assertEquals(1000 - 7 * 128, batches.get(7).size());
            long[] seen = flatten(batches);
            long[] sorted = seen.clone();
            Arrays.sort(sorted);
            for (int i = 0; i < 1000; i++) {
                assertEquals(i, sorted[i], "epoch " + e + " is not a permutation");
            }
            assertFalse(Arrays.equals(sorted, seen), "epoch " + e + " was not shuffled");
        }
    }

    @Test
    void orderDependsOnlyOnSeedAndEpoch() {
        EpochShuffleSampler a = new EpochShuffleSampler(32, 7);
        EpochShuffleSampler b = new EpochShuffleSampler(64, 7);
        assertArrayEquals(a.order(500, 3), b.order(500, 3));
        assertArrayEquals(a.order(500, 0), a.order(500, 0));
        assertFalse(Arrays.equals(a.order(500, 0), a.order(500, 1)));
        assertFalse(Arrays.equals(a.order(500, 1), a.order(500, 2)));
        assertFalse(Arrays.equals(a.order(500, 0), new EpochShuffleSampler(32, 8).order(500, 0)));
        // Pinned: changing the derivation would silently break resuming old runs.
        assertArrayEquals(new int[] {9, 8, 3, 7, 5, 0, 4, 2, 6, 1}, a.order(10, 0));
    }

    @Test
    void advancesOneEpochPerSampleCall() {
        RandomAccessDataset ds = ofSize(300);
        EpochShuffleSampler sampler = new EpochShuffleSampler(50, 1);
        assertEquals(0, sampler.getEpoch());
        long[] first = flatten(epoch(sampler, ds));
        assertEquals(1, sampler.getEpoch());
        long[] second = flatten(epoch(sampler, ds));
        assertFalse(Arrays.equals(first, second));
        assertArrayEquals(Arrays.stream(sampler.order(300, 0)).asLongStream().toArray(), first);
        assertArrayEquals(Arrays.stream(sampler.order(300, 1)).asLongStream().toArray(), second);
    }

    @Test
    void resumedRunSeesTheSameBatches() {
        RandomAccessDataset ds = ofSize(777);
        EpochShuffleSampler uninterrupted = new EpochShuffleSampler(64, 2024);
        List<List<List<Long>>> all = new ArrayList<>();
        for (int e = 0; e < 6; e++) {
            all.add(epoch(uninterrupted, ds));
        }
        // A fresh process resumes after a checkpoint at the end of epoch 3.
        EpochShuffleSampler resumed = new EpochShuffleSampler(64, 2024).setEpoch(4);
        assertEquals(all.get(4), epoch(resumed, ds));
        assertEquals(all.get(5), epoch(resumed, ds));
        // Explicit setEpoch before every epoch also works.
        assertEquals(all.get(2), epoch(resumed.setEpoch(2), ds));
    }

    @Test
    void sequentialModeIsInOrderEveryEpoch() {
        RandomAccessDataset ds = ofSize(10);
        EpochShuffleSampler sampler = EpochShuffleSampler.sequential(4);
        assertFalse(sampler.isShuffle());
        for (int e = 0; e < 3; e++) {
            assertEquals(
                    List.of(List.of(0L, 1L, 2L, 3L), List.of(4L, 5L, 6L, 7L), List.of(8L, 9L)), epoch(sampler, ds));
        }
    }

    @Test
    void dropLastDropsOnlyTheIncompleteBatch() {
        RandomAccessDataset ds = ofSize(10);
        List<List<Long>> batches = epoch(new EpochShuffleSampler(4, 5, true), ds);
        assertEquals(2, batches.size());
        assertTrue(batches.stream().allMatch(b -> b.size() == 4));
        assertEquals(8, Arrays.stream(flatten(batches)).distinct().count());
    }
}
