package org.alexnet.train;

/**
 * What one epoch produced: training loss and accuracy (over the epoch's batches, with dropout on),
 * validation top-1 and top-5 accuracy (top-5 is NaN with 5 classes or fewer), training throughput,
 * the learning rate used and the wall time.
 */
public record EpochRecord(
        int epoch,
        double trainLoss,
        double trainAccuracy,
        double validationAccuracy,
        double validationTop5,
        double imagesPerSecond,
        double learningRate,
        double seconds) {}
