package org.alexnet.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.junit.jupiter.api.Test;

/**
 * The data-parallel check's harness on the CPU (two CPU devices in one trainer are refused by DJL,
 * so the comparison itself only runs on GPUs, in scripts/gpu-check.sh).
 */
class DataParallelCheckTest {

    @Test
    void sameDevicesSameSeedGiveTheSameLosses() {
        Engine engine = Engine.getEngine("MXNet");
        Device[] cpu = {Device.cpu()};
        double[] a = DataParallelCheck.losses(engine, cpu, 3, 8, 72, 42);
        double[] b = DataParallelCheck.losses(engine, cpu, 3, 8, 72, 42);
        assertArrayEquals(a, b, 0.0);
        assertEquals(0.0, DataParallelCheck.maxRelativeDifference(a, b));
        for (double loss : a) {
            assertTrue(Double.isFinite(loss) && loss > 0, "loss " + loss);
        }
        double[] other = DataParallelCheck.losses(engine, cpu, 3, 8, 72, 7);
        assertTrue(DataParallelCheck.maxRelativeDifference(a, other) > 1e-6, "another seed, other batches");
    }

    @Test
    void relativeDifferenceIsTheLargestOverSteps() {
        assertEquals(
                0.1, DataParallelCheck.maxRelativeDifference(new double[] {1, 2}, new double[] {1.05, 2.2}), 1e-12);
    }
}
