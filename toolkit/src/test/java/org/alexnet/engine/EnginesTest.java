package org.alexnet.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The engine rule, on this CPU-only machine with made-up GPU reports: which engine is chosen and what
 * the user is told. (What a real GPU does is checked by scripts/gpu-check.sh, which cannot run here.)
 */
class EnginesTest {

    static Cuda gpus(String... capabilities) {
        return new Cuda("11.2", List.of(capabilities), null);
    }

    @Test
    void withoutGpusTheDefaultIsMXNetOnTheCpuAndNothingIsSaid() {
        Engines.Choice c = Engines.choose(null, -1, Cuda.none("no CUDA runtime"));
        assertEquals("MXNet", c.engine().getEngineName());
        assertFalse(c.devices()[0].isGpu());
        assertEquals(List.of(), c.notes());
    }

    @Test
    void gpusNewerThanMXNetsCudaBuildChoosePyTorchAndSaySo() {
        Engines.Choice c = Engines.choose(null, -1, gpus("9.0", "9.0"));
        assertEquals("PyTorch", c.engine().getEngineName());
        assertTrue(
                c.notes()
                        .get(0)
                        .startsWith(
                                "using PyTorch: MXNet's CUDA build needs CUDA 11.2 and compute capability"
                                        + " up to 8.6, and this machine has 2 GPUs (compute capability 9.0, 9.0), CUDA runtime 11.2"),
                c.notes().toString());
        // Here PyTorch has its CPU build, so the second note says training stays on the CPU, and why.
        assertTrue(
                c.notes().get(1).contains("training on the CPU although this machine has 2 GPUs")
                        && c.notes().get(1).contains("PyTorch loaded the CPU build bundled in the jar"),
                c.notes().toString());
    }

    @Test
    void anEngineAskedForByNameIsKeptEvenWhenItCannotUseTheGpus() {
        Engines.Choice c = Engines.choose("mxnet", -1, gpus("12.0"));
        assertEquals("MXNet", c.engine().getEngineName());
        assertEquals(1, c.notes().size(), c.notes().toString());
        assertTrue(
                c.notes().get(0).contains("MXNet loaded the CPU build bundled in the jar"),
                c.notes().toString());
    }

    @Test
    void gpusMXNetCouldUseButACpuBuildLoadedLeadToPyTorchOnlyIfItSeesThem() {
        // Both engines have CPU builds here: MXNet stays, with the reason training is on the CPU.
        Engines.Choice c = Engines.choose(null, -1, gpus("8.0"));
        assertEquals("MXNet", c.engine().getEngineName());
        assertEquals(1, c.notes().size(), c.notes().toString());
        assertTrue(
                c.notes()
                        .get(0)
                        .startsWith("training on the CPU although this machine has 1 GPU (compute capability"
                                + " 8.0), CUDA runtime 11.2: MXNet loaded the CPU build bundled in the jar;"),
                c.notes().toString());
    }

    @Test
    void gpusZeroMeansTheCpuWithoutProbing() {
        Engines.Choice c = Engines.choose(null, 0);
        assertFalse(c.devices()[0].isGpu());
        assertEquals(List.of(), c.notes());
    }

    @Test
    void onlyTrainingEnginesAreOffered() {
        assertEquals("PyTorch", Engines.canonical(" pytorch"));
        assertEquals("MXNet", Engines.canonical(null));
        // DJL also registers RPC (remote inference): it cannot train, so it is neither listed nor accepted.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Engines.canonical("RPC"));
        assertEquals("unknown engine 'RPC': use MXNet or PyTorch", e.getMessage());
    }

    @Test
    void aCuda12MachineGoesToPyTorchEvenWithAnAmpereGpu() {
        // DJL has no MXNet build for CUDA 12: it would load MXNet's CPU build and warn.
        Engines.Choice c = Engines.choose(null, -1, new Cuda("12.8", List.of("8.0"), null));
        assertEquals("PyTorch", c.engine().getEngineName());
        assertTrue(c.notes().get(0).contains("needs CUDA 11.2"), c.notes().toString());
    }

    @Test
    void capabilityLimitOfMXNetsCudaBuild() {
        assertTrue(gpus("8.6").mxnetCanUse());
        assertTrue(gpus("9.0", "7.5").mxnetCanUse());
        assertFalse(gpus("8.9").mxnetCanUse());
        assertFalse(Cuda.none("x").mxnetCanUse());
        assertFalse(new Cuda("12.8", List.of("8.0"), null).mxnetCanUse());
    }

    @Test
    void theMachinesCudaReportNamesTheReasonForNoGpu() {
        Cuda here = Cuda.probe();
        // CI and developers' machines have no GPU; the report must say why rather than be empty.
        assertEquals(0, here.gpus());
        assertTrue(here.problem() != null && !here.problem().isBlank());
    }
}
