package org.alexnet.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentTest {

    /** A setup: one number the arms change; the made-up trial's error depends on it and on the seed. */
    record Setup(double width) {}

    private static final List<Arm<Setup>> ARMS = List.of(
            Arm.baseline("the network as in the paper"),
            new Arm<>("narrow", "half the width costs accuracy", s -> new Setup(s.width() / 2)));

    private static Trial.Outcome outcome(Setup s, long seed) {
        return new Trial.Outcome(0.1 / s.width() + seed * 0.001, 0.05 / s.width(), 3, 10 + seed);
    }

    @Test
    void runsEveryArmWithEverySeedAndSummarises(@TempDir Path dir) throws Exception {
        List<String> calls = new ArrayList<>();
        Experiment<Setup> e = new Experiment<>(
                new Setup(1),
                ARMS,
                List.of(1L, 2L, 3L),
                dir,
                (s, seed, folder) -> {
                    calls.add(folder.getParent().getFileName() + "/" + folder.getFileName());
                    return outcome(s, seed);
                },
                new Experiment.Listener() {});
        List<Experiment.Result> results = e.run();
        assertEquals(
                List.of(
                        "baseline/seed-1",
                        "narrow/seed-1",
                        "baseline/seed-2",
                        "narrow/seed-2",
                        "baseline/seed-3",
                        "narrow/seed-3"),
                calls);
        assertEquals(results, Experiment.read(dir.resolve(Experiment.RESULTS)));

        Summary summary = Summary.of(results, "baseline");
        Summary.Line narrow = summary.line("narrow");
        // baseline top-1: 10.1, 10.2, 10.3 %; narrow: 20.1, 20.2, 20.3 % -> +10 points, sd 0.1 each.
        assertEquals(20.2, narrow.top1(), 1e-9);
        assertEquals(0.1, narrow.top1Sd(), 1e-9);
        assertEquals(10.0, narrow.top1VsBaseline().difference(), 1e-9);
        double half = 2.776445105 * Math.sqrt(2 * 0.01 / 3);
        assertEquals(10.0 - half, narrow.top1VsBaseline().low(), 1e-6);
        assertEquals(12.0, summary.line("baseline").seconds(), 1e-9);
        assertEquals(
                List.of("baseline", "narrow"),
                summary.toTable().stringColumn("arm").asList());
        assertTrue(summary.toString().contains("+10.00 ["), summary.toString());
    }

    @Test
    void anInterruptedStudySkipsFinishedRunsAndContinues(@TempDir Path dir) throws Exception {
        List<String> calls = new ArrayList<>();
        Trial<Setup> failing = (s, seed, folder) -> {
            if (calls.size() == 2) {
                Files.createDirectories(folder);
                Files.writeString(folder.resolve("last.ckpt"), "partial");
                throw new InterruptedException("stopped");
            }
            calls.add(folder.toString());
            return outcome(s, seed);
        };
        Experiment<Setup> first =
                new Experiment<>(new Setup(1), ARMS, List.of(1L, 2L), dir, failing, new Experiment.Listener() {});
        assertThrows(InterruptedException.class, first::run);
        assertEquals(2, Experiment.read(dir.resolve(Experiment.RESULTS)).size());

        List<String> resumed = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        Experiment<Setup> second = new Experiment<>(
                new Setup(1),
                ARMS,
                List.of(1L, 2L),
                dir,
                (s, seed, folder) -> outcome(s, seed),
                new Experiment.Listener() {
                    @Override
                    public void onRunSkipped(int index, int total, String arm, long seed) {
                        skipped.add(arm + seed);
                    }

                    @Override
                    public void onRunStart(int index, int total, String arm, long seed, boolean continuing) {
                        resumed.add(arm + seed + (continuing ? " continuing" : ""));
                    }
                });
        assertEquals(4, second.run().size());
        assertEquals(List.of("baseline1", "narrow1"), skipped);
        assertEquals(List.of("baseline2 continuing", "narrow2"), resumed);
    }

    @Test
    void aChangedSetupIsRefusedNotMixedIn(@TempDir Path dir) throws Exception {
        new Experiment<>(
                        new Setup(1),
                        ARMS,
                        List.of(1L),
                        dir,
                        (s, seed, f) -> outcome(s, seed),
                        new Experiment.Listener() {})
                .run();
        Experiment<Setup> changed = new Experiment<>(
                new Setup(2),
                ARMS,
                List.of(1L, 2L),
                dir,
                (s, seed, f) -> outcome(s, seed),
                new Experiment.Listener() {});
        IllegalStateException e = assertThrows(IllegalStateException.class, changed::run);
        assertTrue(e.getMessage().contains("different setup"), e.getMessage());
    }

    @Test
    void badArmsAndSeedsAreRefused(@TempDir Path dir) {
        assertThrows(IllegalArgumentException.class, () -> new Arm<Setup>("No Spaces", "", s -> s));
        assertThrows(
                IllegalArgumentException.class,
                () -> new Experiment<>(
                        new Setup(1),
                        ARMS,
                        List.of(1L, 1L),
                        dir,
                        (s, seed, f) -> outcome(s, seed),
                        new Experiment.Listener() {}));
    }
}
