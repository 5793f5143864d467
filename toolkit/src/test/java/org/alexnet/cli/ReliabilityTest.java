package org.alexnet.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.alexnet.data.imagenet.ImageNetSample;
import org.alexnet.model.ModelSpec;
import org.alexnet.train.Checkpoint;
import org.alexnet.train.History;
import org.alexnet.train.ImageNetData;
import org.alexnet.train.LearningRateSchedule;
import org.alexnet.train.PaperSgd;
import org.alexnet.train.ParameterNames;
import org.alexnet.train.Preset;
import org.alexnet.train.RunFolder;
import org.alexnet.train.RunState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command's failure modes (issue 13), in process: each run ends with one line, the documented
 * exit code, and leaves what was saved byte for byte as it was.
 */
class ReliabilityTest {

    private static void assertError(MainTest.Result r, int code, String line) {
        assertEquals(code, r.code(), r.out() + r.err());
        assertEquals("alexnet: " + line, r.err().strip(), "exactly this one line");
    }

    /** Every file under {@code dir} and its bytes (but the lock file, which a refused run may create). */
    private static Map<String, byte[]> snapshot(Path dir) throws Exception {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile)
                    .filter(p -> !p.endsWith(RunFolder.LOCK))
                    .toList()) {
                files.put(dir.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return files;
    }

    private static void assertSame(Map<String, byte[]> before, Map<String, byte[]> after) {
        assertEquals(before.keySet(), after.keySet());
        before.forEach((k, v) -> assertArrayEquals(v, after.get(k), k + " changed"));
    }

    /** A one-epoch LeNet run (seconds). */
    private static MainTest.Result lenet(Path out, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "train",
                "--preset",
                "smoke",
                "--model",
                "lenet",
                "--subset",
                "200",
                "--test-subset",
                "100",
                "--output",
                out.toString()));
        args.addAll(List.of(more));
        return MainTest.run(args.toArray(String[]::new));
    }

    /** --augment is recorded in the run, kept on --resume, and cannot be added to a run that had none. */
    @Test
    void augmentationIsPartOfTheRun(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("augmented");
        MainTest.Result first = lenet(run, "--augment");
        assertEquals(0, first.code(), first.out() + first.err());
        assertTrue(Checkpoint.readState(run.resolve(Checkpoint.LAST)).augmented());
        MainTest.Result more = MainTest.run("train", "--resume", "--output", run.toString(), "--epochs", "2");
        assertEquals(0, more.code(), more.out() + more.err());
        var state = Checkpoint.readState(run.resolve(Checkpoint.LAST));
        assertEquals(2, state.epoch());
        assertTrue(state.augmented(), "a resumed run keeps its augmentation");

        Path plain = dir.resolve("plain");
        assertEquals(0, lenet(plain).code());
        assertFalse(Checkpoint.readState(plain.resolve(Checkpoint.LAST)).augmented());
        Map<String, byte[]> before = snapshot(plain);
        MainTest.Result refused = MainTest.run("train", "--resume", "--output", plain.toString(), "--augment");
        assertEquals(2, refused.code(), refused.out() + refused.err());
        assertTrue(refused.err().contains("--augment cannot change on --resume"), refused.err());
        assertSame(before, snapshot(plain));
        assertError(
                MainTest.run("train", "--dataset", "imagenet", "--augment"),
                2,
                "--augment is for --dataset"
                        + " fashion-mnist: ImageNet runs always train on the paper's random crops and mirror images");
    }

    @Test
    void flagsOutsideTheirRangeAreRefused() {
        assertError(MainTest.run("train", "--gpus", "-1"), 2, "--gpus must be at least 0, got -1");
        assertError(
                MainTest.run("train", "--statistics-images", "-5"),
                2,
                "--statistics-images must be at least 0, got -5");
        assertError(MainTest.run("train", "--classes", "0"), 2, "--classes must be at least 1, got 0");
        assertError(MainTest.run("train", "--threads", "-2"), 2, "--threads must be between 0 and 4096, got -2");
        assertError(
                MainTest.run("train", "--resolution", "5000"), 2, "--resolution must be between 1 and 2048, got 5000");
        assertError(MainTest.run("train", "--pixel-scale", "0"), 2, "--pixel-scale must be a positive number, got '0'");
        assertError(
                MainTest.run("train", "--resume", "--overwrite"),
                2,
                "--resume continues the run in --output and --overwrite replaces it: give one of them");
        // Defect 7: the engine list offered is one that works.
        assertError(
                MainTest.run("train", "--engine", "RPC", "--output", "/nonexistent/never-created"),
                2,
                "unknown engine 'RPC': use MXNet or PyTorch");
    }

    @Test
    void aResolutionTheMachineCannotHoldIsRefusedBeforeAllocating(@TempDir Path dir) {
        MainTest.Result r = MainTest.run(
                "train",
                "--preset",
                "smoke",
                "--resolution",
                "2048",
                "--output",
                dir.resolve("o").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(
                r.err()
                        .strip()
                        .matches(
                                "alexnet: --resolution 2048 at batch 64 needs about [0-9.]+ GB \\([0-9,]+ parameters\\),"
                                        + " more than the [0-9.]+ GB this machine can give a run; the largest that fits is --resolution \\d+ at batch 64"),
                r.err());
        assertFalse(Files.exists(dir.resolve("o").resolve(Checkpoint.LAST)));
    }

    @Test
    void aBadOutputIsFoundBeforeAnyWork(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertError(lenet(file), 2, file + " is a file, not a folder: choose another --output");
        assertError(
                lenet(file.resolve("sub")),
                2,
                "cannot write in " + file.resolve("sub") + " (Not a directory): choose another --output");
        assertError(
                MainTest.run("sample", "--output", file.toString()),
                2,
                file + " is a file, not a folder: choose another --output");
        for (String command : new String[] {"export", "import-torchvision"}) {
            String input = command.equals("export") ? "--model" : "--weights";
            assertError(
                    MainTest.run(command, input, dir.resolve("missing").toString(), "--output", file.toString()),
                    2,
                    file + " is a file, not a folder: choose another --output");
        }
        assertEquals("x", Files.readString(file));
    }

    @Test
    void aNewRunNeverReplacesAnEarlierOneUnlessAskedTo(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        Files.createDirectories(run);
        Files.writeString(run.resolve("history.csv"), "epoch,earlier run\n");
        Files.write(run.resolve(Checkpoint.BEST), new byte[] {1, 2, 3});
        Map<String, byte[]> before = snapshot(run);
        assertError(
                lenet(run),
                2,
                run + " already holds a run (best.ckpt, history.csv): continue it with --resume,"
                        + " replace it with --overwrite, or choose another --output");
        assertSame(before, snapshot(run));
        // --resume with results but no last.ckpt would start afresh and replace them.
        assertError(
                MainTest.run("train", "--resume", "--output", run.toString()),
                2,
                run + " holds a run (best.ckpt, history.csv) but no last.ckpt to resume"
                        + " from: start it again with --overwrite, or choose another --output");
        assertSame(before, snapshot(run));

        MainTest.Result replaced = lenet(run, "--overwrite");
        assertEquals(0, replaced.code(), replaced.err());
        assertTrue(
                replaced.out()
                        .contains("note: --overwrite: deleted the earlier run's best.ckpt, history.csv in " + run),
                replaced.out());
        assertEquals(1, History.readCsv(run.resolve("history.csv")).records().size());
    }

    @Test
    void twoRunsCannotShareAFolder(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        try (RunFolder other = RunFolder.claim(run, RunFolder.Mode.NEW)) {
            MainTest.Result r = lenet(run);
            assertEquals(1, r.code(), r.err());
            assertEquals(
                    "alexnet: " + run + " is in use by another alexnet run (process "
                            + ProcessHandle.current().pid() + "): wait for it to end, or choose another --output",
                    r.err().strip());
            assertFalse(Files.exists(run.resolve("history.csv")));
        }
    }

    /**
     * Resume applies --lr and --epochs (extending a finished run), refuses a setting that would change
     * the run, and removes temporary files left by writes that were killed.
     */
    @Test
    void resumeAppliesWhatMayChangeAndRefusesTheRest(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        MainTest.Result first = lenet(run);
        assertEquals(0, first.code(), first.err());
        Map<String, byte[]> before = snapshot(run);

        assertError(
                MainTest.run("train", "--resume", "--output", run.toString(), "--batch", "32"),
                2,
                "--batch cannot change on --resume (the run in " + run + " has 64): drop it, or start a new run with"
                        + " another --output; only --lr, --epochs, --schedule and --patience may change");
        assertError(
                MainTest.run("train", "--resume", "--output", run.toString(), "--towers", "1"),
                2,
                "--towers cannot change on --resume (the run in " + run
                        + " has towers=2): drop it, or start a new run with"
                        + " another --output; only --lr, --epochs, --schedule and --patience may change");
        assertError(
                MainTest.run("train", "--resume", "--output", run.toString(), "--dataset", "imagenet"),
                2,
                "--dataset cannot change on --resume: the run in " + run + " trains on fashion-mnist; drop --dataset,"
                        + " or start a new run with another --output");
        assertError(
                MainTest.run("train", "--resume", "--output", run.toString(), "--epochs", "0"),
                2,
                "epochs must be at least 1, got 0");
        assertSame(before, snapshot(run));

        // What a kill during a checkpoint write leaves behind.
        Files.write(run.resolve(".last.ckpt.123456.tmp"), new byte[1000]);
        Files.write(run.resolve(".best.ckpt.link"), new byte[10]);
        MainTest.Result resumed =
                MainTest.run("train", "--resume", "--output", run.toString(), "--epochs", "2", "--lr", "0.05");
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(
                resumed.out()
                        .contains(
                                "note: removed 2 temporary files (0.0 MB) left in " + run + " by an interrupted write"),
                resumed.out());
        // --model lenet --preset smoke trains with Preset.LENET_SMOKE (lr 0.1, as notebook 01).
        assertEquals(0.1f, Preset.LENET_SMOKE.recipe().getLearningRate());
        assertTrue(
                resumed.out().contains("learning rate from now on: 0.0500 (the run started with 0.100)"),
                resumed.out());
        History h = History.readCsv(run.resolve("history.csv"));
        assertEquals(List.of(1, 2), h.records().stream().map(r -> r.epoch()).toList());
        assertEquals(0.1, h.records().get(0).learningRate(), 1e-6);
        assertEquals(0.05, h.records().get(1).learningRate(), 1e-6);
        assertFalse(Files.exists(run.resolve(".last.ckpt.123456.tmp")) || Files.exists(run.resolve(".best.ckpt.link")));

        assertError(
                MainTest.run("train", "--resume", "--output", run.toString(), "--epochs", "1"),
                2,
                "--epochs 1 is fewer than the 2 epochs the run in " + run + " has trained: give more to continue it");
    }

    @Test
    void aDivergenceWithoutACheckpointDoesNotSendTheUserToOne(@TempDir Path dir) {
        Path run = dir.resolve("run");
        MainTest.Result r = lenet(run, "--lr", "100000");
        assertEquals(1, r.code(), r.err());
        assertTrue(
                r.err()
                        .strip()
                        .matches(
                                "alexnet: training stopped: the loss (became NaN|exploded to \\S+) at epoch 1, batch \\d+"
                                        + " \\(learning rate 1\\.00e\\+05\\); lower --lr and start again \\(no checkpoint was saved: it diverged in the first epoch\\)"),
                r.err());
        assertFalse(Files.exists(run.resolve(Checkpoint.LAST)));
    }

    @Test
    void uncompressedFashionMnistFilesAreNamedAsSuch(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        Files.write(data.resolve("train-images-idx3-ubyte"), new byte[16]);
        Path gz = data.resolve("train-images-idx3-ubyte.gz");
        assertError(
                lenet(dir.resolve("run"), "--data-dir", data.toString()),
                1,
                "Fashion-MNIST file " + gz
                        + " is missing, but train-images-idx3-ubyte (uncompressed) is there; compress it with: gzip -k "
                        + data.resolve("train-images-idx3-ubyte"));
    }

    @Test
    void topFiveIsLeftOutWhereItMeansNothing() {
        assertEquals("", Main.top5(Double.NaN, ", "));
        assertEquals(", top-5 0.5000", Main.top5(0.5, ", "));
    }

    /** Defect 10's default and 11's --classes on a tiny ImageNet-layout sample. */
    @Test
    void smallImageNetSetsGetDefaultsThatLearnAndClassesAreChecked(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("sample");
        ImageNetSample.builder()
                .optClasses(2)
                .optTrainPerClass(4)
                .optValidationPerClass(1)
                .optShorterSide(72, 80)
                .optOddFiles(false)
                .build()
                .write(data);
        assertError(
                MainTest.run(
                        "train",
                        "--dataset",
                        "imagenet",
                        "--data-dir",
                        data.toString(),
                        "--classes",
                        "99",
                        "--output",
                        dir.resolve("a").toString()),
                2,
                "--classes 99 but " + data.resolve("train") + " has 2 classes");
        Path run = dir.resolve("run");
        MainTest.Result r = MainTest.run(
                "train",
                "--dataset",
                "imagenet",
                "--data-dir",
                data.toString(),
                "--resolution",
                "67",
                "--batch",
                "4",
                "--epochs",
                "1",
                "--threads",
                "1",
                "--statistics-images",
                "8",
                "--no-ten-crop",
                "--output",
                run.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(
                r.out()
                        .contains(
                                "note: 8 training images, fewer than 50,000: --default-init --pixel-scale 0.003921569 by"
                                        + " default, as the paper's initialisation on 0..255 inputs diverges on small sets (--paper-init"
                                        + " --pixel-scale 1 gives the paper's)"),
                r.out());
        var state = Checkpoint.readState(run.resolve(Checkpoint.LAST));
        assertFalse(state.spec().getOptions().isPaperInit());
        assertEquals(1f / 255, state.imageNet().pixelScale());
        // Two classes: no top-5 on the final line.
        assertTrue(
                r.out().matches("(?s).*final validation \\(centre crop\\): top-1 [0-9.]+ after 1 epochs;.*"), r.out());
        assertError(
                MainTest.run("train", "--resume", "--output", run.toString(), "--pixel-scale", "1"),
                2,
                "--pixel-scale cannot change on --resume (the run in " + run
                        + " has pixel_scale=0.003921569): drop it, or"
                        + " start a new run with another --output; only --lr, --epochs, --schedule and --patience may change");
    }

    /** An ImageNet checkpoint written before the data folder was recorded (or with it removed): evaluate asks for it. */
    @Test
    void anImageNetCheckpointWithoutItsFolderAsksForDataDir(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(Checkpoint.LAST);
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "MXNet")) {
            ModelSpec spec = ModelSpec.of(ModelSpec.Variant.LENET, 10, 1);
            Block b = spec.build();
            b.initialize(m, DataType.FLOAT32, new Shape(1).addAll(spec.inputShape(28)));
            RunState state = new RunState(
                    spec,
                    Preset.TINY_LENET.recipe(),
                    1,
                    new History(),
                    new LearningRateSchedule.State(0.01f, 0.5, 0, 0),
                    null,
                    ImageNetData.NAME,
                    new ImageNetData.Facts(null, true, 1f, null, 8, 10),
                    false,
                    "MXNet");
            Checkpoint.save(file, state, b, PaperSgd.builder().build(), new ParameterNames(b));
        }
        assertError(
                MainTest.run("evaluate", "--checkpoint", file.toString()),
                2,
                "the checkpoint does not record its ImageNet"
                        + " folder: pass --data-dir DIR, the folder holding the train/ and val/ it was trained on");
    }
}
