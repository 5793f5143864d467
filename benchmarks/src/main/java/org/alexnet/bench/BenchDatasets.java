package org.alexnet.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.DataIterable;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.training.dataset.Sampler;
import ai.djl.translate.TranslateException;
import ai.djl.util.Progress;
import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import org.alexnet.data.FashionMnist;

/** In-memory datasets of the training benchmark: a pre-made batch served again and again, random images. */
final class BenchDatasets {

    private BenchDatasets() {}

    /**
     * A dataset that serves copies of one pre-made batch (one array copy per batch, no decoding or
     * resizing): the toolkit's loop without data loading.
     */
    static final class CachedBatch extends RandomAccessDataset {

        private final NDArray x;
        private final NDArray y;
        private final int size;

        CachedBatch(RandomAccessDataset source, NDManager manager, int size, Sampler sampler)
                throws IOException, TranslateException {
            super(new SyntheticImages.Builder().setSampling(sampler));
            try (Batch b = source.getData(manager).iterator().next()) {
                x = b.getData().head().duplicate();
                y = b.getLabels().head().duplicate();
                x.attach(manager);
                y.attach(manager);
            }
            this.size = size;
        }

        @Override
        public Record get(NDManager manager, long index) {
            long i = index % x.getShape().get(0);
            return new Record(new NDList(x.get(i)), new NDList(y.get(i)));
        }

        @Override
        protected long availableSize() {
            return size;
        }

        @Override
        public void prepare(Progress progress) {}

        @Override
        public Iterable<Batch> getData(NDManager manager, Sampler sampler, ExecutorService executorService) {
            CachedBatch self = this;
            return new DataIterable(
                    this,
                    manager,
                    sampler,
                    dataBatchifier,
                    labelBatchifier,
                    pipeline,
                    targetPipeline,
                    executorService,
                    prefetchNumber,
                    device) {
                @Override
                protected Batch fetch(List<Long> indices, int progress) {
                    if (indices.size() != self.x.getShape().get(0)) {
                        throw new IllegalStateException("the cached batch has "
                                + self.x.getShape().get(0) + " examples, asked for " + indices.size());
                    }
                    NDManager batchManager = this.manager.newSubManager();
                    batchManager.setName("cached fetch");
                    NDArray data = self.x.duplicate();
                    NDArray labels = self.y.duplicate();
                    return new Batch(
                            batchManager,
                            new NDList(data),
                            new NDList(labels),
                            indices.size(),
                            dataBatchifier,
                            labelBatchifier,
                            progress,
                            self.size(),
                            indices);
                }
            };
        }
    }

    /**
     * An in-memory dataset of random images (a fixed pool of a fixed number of images that
     * indices wrap around) with random labels; a batch is one bulk copy into one array, like {@link
     * FashionMnist} does.
     */
    static final class SyntheticImages extends RandomAccessDataset {

        private final float[] pool;
        private final int channels;
        private final int side;
        private final float[] labels;

        SyntheticImages(float[] pool, int channels, int side, int classes, int size, long seed, Sampler sampler) {
            super(new Builder().setSampling(sampler));
            this.pool = pool;
            this.channels = channels;
            this.side = side;
            this.labels = new float[size];
            SplittableRandom random = new SplittableRandom(seed);
            for (int i = 0; i < size; i++) {
                labels[i] = random.nextInt(classes);
            }
        }

        private int perImage() {
            return channels * side * side;
        }

        private int poolImages() {
            return pool.length / perImage();
        }

        NDArray images(NDManager manager, List<Long> indices) {
            int per = perImage();
            float[] buffer = new float[indices.size() * per];
            for (int i = 0; i < indices.size(); i++) {
                int from = (int) (indices.get(i) % poolImages()) * per;
                System.arraycopy(pool, from, buffer, i * per, per);
            }
            return manager.create(buffer, new Shape(indices.size(), channels, side, side));
        }

        NDArray labels(NDManager manager, List<Long> indices) {
            float[] y = new float[indices.size()];
            for (int i = 0; i < y.length; i++) {
                y[i] = labels[Math.toIntExact(indices.get(i))];
            }
            return manager.create(y);
        }

        @Override
        public Record get(NDManager manager, long index) {
            try (NDArray image = images(manager, List.of(index))) {
                return new Record(
                        new NDList(image.reshape(channels, side, side)),
                        new NDList(manager.create(labels[Math.toIntExact(index)])));
            }
        }

        @Override
        protected long availableSize() {
            return labels.length;
        }

        @Override
        public void prepare(Progress progress) {}

        @Override
        public Iterable<Batch> getData(NDManager manager, Sampler sampler, ExecutorService executorService) {
            SyntheticImages self = this;
            return new DataIterable(
                    this,
                    manager,
                    sampler,
                    dataBatchifier,
                    labelBatchifier,
                    pipeline,
                    targetPipeline,
                    executorService,
                    prefetchNumber,
                    device) {
                @Override
                protected Batch fetch(List<Long> indices, int progress) {
                    NDManager batchManager = this.manager.newSubManager();
                    batchManager.setName("synthetic fetch");
                    NDList data = new NDList(self.images(batchManager, indices));
                    NDList y = new NDList(self.labels(batchManager, indices));
                    return new Batch(
                            batchManager,
                            data,
                            y,
                            indices.size(),
                            dataBatchifier,
                            labelBatchifier,
                            progress,
                            self.size(),
                            indices);
                }
            };
        }

        static final class Builder extends BaseBuilder<Builder> {
            @Override
            protected Builder self() {
                return this;
            }
        }
    }
}
