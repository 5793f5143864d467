package org.alexnet.data;

import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;

/**
 * A batch {@link Sampler} whose order depends only on {@code (seed, epoch)}.
 *
 * <p>Epoch {@code e} visits the dataset in a fixed permutation derived from the seed and {@code e},
 * so a run resumed at epoch {@code e} sees exactly the batches the uninterrupted run would have
 * seen. Each call to {@link #sample} (one per {@code trainer.iterateDataset(...)}, i.e. one per
 * epoch) uses the current epoch and then advances it, so DJL's {@code EasyTrain.fit} gets a new
 * order every epoch without extra code. Call {@link #setEpoch(int)} to jump to an epoch, e.g. when
 * resuming.
 *
 * <p>The counter advances on every {@link #sample} call, whichever dataset asks; datasets that
 * share a sampler (both halves of a {@code randomSplit}) therefore take turns. Either call {@code
 * setEpoch(e)} before each training epoch, or save {@link #getEpoch()} with the checkpoint and
 * restore it with {@code setEpoch}; both reproduce the uninterrupted run exactly.
 *
 * <p>{@link #sequential(int)} gives the in-order variant for evaluation.
 */
public final class EpochShuffleSampler implements Sampler {

    private final int batchSize;
    private final long seed;
    private final boolean shuffle;
    private final boolean dropLast;
    private int epoch;
    private int skipBatches;

    /**
     * A shuffling sampler that keeps the last, possibly smaller, batch.
     *
     * @param batchSize the batch size
     * @param seed the seed all epoch orders are derived from
     */
    public EpochShuffleSampler(int batchSize, long seed) {
        this(batchSize, seed, false);
    }

    /**
     * A shuffling sampler.
     *
     * @param batchSize the batch size
     * @param seed the seed all epoch orders are derived from
     * @param dropLast whether to drop the last batch when it is smaller than {@code batchSize}
     */
    public EpochShuffleSampler(int batchSize, long seed, boolean dropLast) {
        this(batchSize, seed, true, dropLast);
    }

    private EpochShuffleSampler(int batchSize, long seed, boolean shuffle, boolean dropLast) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be positive: " + batchSize);
        }
        this.batchSize = batchSize;
        this.seed = seed;
        this.shuffle = shuffle;
        this.dropLast = dropLast;
    }

    /**
     * A sampler that visits the dataset in index order every epoch (for evaluation).
     *
     * @param batchSize the batch size
     * @return the sequential sampler
     */
    public static EpochShuffleSampler sequential(int batchSize) {
        return new EpochShuffleSampler(batchSize, 0L, false, false);
    }

    /**
     * Sets the epoch the next {@link #sample} call will use.
     *
     * @param epoch the zero-based epoch
     * @return this sampler
     */
    public synchronized EpochShuffleSampler setEpoch(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0: " + epoch);
        }
        this.epoch = epoch;
        return this;
    }

    /**
     * Makes the next {@link #sample} call leave out the first {@code batches} batches of its epoch
     * (to resume an epoch that was interrupted after them); later calls are whole again.
     *
     * @param batches how many batches to leave out
     * @return this sampler
     */
    public synchronized EpochShuffleSampler skipBatches(int batches) {
        if (batches < 0) {
            throw new IllegalArgumentException("batches must be >= 0: " + batches);
        }
        this.skipBatches = batches;
        return this;
    }

    /**
     * @return the epoch the next {@link #sample} call will use
     */
    public synchronized int getEpoch() {
        return epoch;
    }

    /**
     * @return the seed
     */
    public long getSeed() {
        return seed;
    }

    /**
     * @return whether this sampler shuffles (false for {@link #sequential(int)})
     */
    public boolean isShuffle() {
        return shuffle;
    }

    /**
     * The visiting order of epoch {@code epoch} over {@code size} items; does not change the
     * sampler's current epoch.
     *
     * @param size the dataset size
     * @param epoch the zero-based epoch
     * @return a permutation of {@code 0..size-1} (the identity when not shuffling)
     */
    public int[] order(int size, int epoch) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        if (shuffle) {
            // java.util.Random's algorithm is fixed by its spec, so orders are stable across JVMs.
            Random random = new Random(mix(seed, epoch));
            for (int i = size - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        return order;
    }

    /** {@inheritDoc} */
    @Override
    public Iterator<List<Long>> sample(RandomAccessDataset dataset) {
        int current;
        int skip;
        synchronized (this) {
            current = epoch++;
            skip = skipBatches;
            skipBatches = 0;
        }
        Iterator<List<Long>> it = batches(order(Math.toIntExact(dataset.size()), current));
        for (int i = 0; i < skip && it.hasNext(); i++) {
            it.next();
        }
        return it;
    }

    /** {@inheritDoc} */
    @Override
    public int getBatchSize() {
        return batchSize;
    }

    private Iterator<List<Long>> batches(int[] order) {
        int end = dropLast ? order.length - order.length % batchSize : order.length;
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < end;
            }

            @Override
            public List<Long> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int to = Math.min(next + batchSize, end);
                List<Long> batch = new ArrayList<>(to - next);
                for (int i = next; i < to; i++) {
                    batch.add((long) order[i]);
                }
                next = to;
                return batch;
            }
        };
    }

    /**
     * SplitMix64 finaliser over (seed, epoch), so nearby seeds and epochs give unrelated streams.
     */
    private static long mix(long seed, int epoch) {
        long z = seed + 0x9E3779B97F4A7C15L * (epoch + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
