package org.alexnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.alexnet.data.imagenet.ImageNetSample;
import org.alexnet.model.AlexNet;
import org.alexnet.train.ImageNetData;
import org.alexnet.train.Preset;
import org.alexnet.train.Recipe;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The command line's declarations: generated help with the presets' defaults, typo suggestions, per-command flags. */
class CommandLineTest {

    /** The help's entry for {@code flag}: its line and the wrapped lines under it, joined. */
    private static String entry(String help, String flag) {
        StringBuilder s = null;
        for (String line : help.lines().toList()) {
            String t = line.strip().replaceFirst("^-\\w, ", "");
            boolean starts = line.length() - line.stripLeading().length() <= 8
                    && (t.startsWith(flag + "=") || t.startsWith(flag + " ") || t.equals(flag));
            if (s == null && starts) {
                s = new StringBuilder(t);
            } else if (s != null) {
                if (t.startsWith("-") || t.isEmpty() || !line.startsWith("          ")) {
                    break;
                }
                s.append(' ').append(t);
            }
        }
        assertTrue(s != null, flag + " is not in the help:\n" + help);
        return s.toString();
    }

    private static String plain(Object v) {
        if (v instanceof Float f) {
            return new BigDecimal(Float.toString(f)).stripTrailingZeros().toPlainString();
        }
        return v instanceof Enum<?> e ? e.name().toLowerCase(Locale.ROOT) : v.toString();
    }

    /** "workshop 3, d2l-96 5, d2l 10, paper 90, smoke 1", or "3" when all presets agree, computed here from Recipe. */
    private static String perPreset(Function<Recipe, Object> value) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("workshop", plain(value.apply(Preset.WORKSHOP.recipe())));
        v.put("d2l-96", plain(value.apply(Preset.D2L_96.recipe())));
        v.put("d2l", plain(value.apply(Preset.D2L.recipe())));
        v.put("paper", plain(value.apply(Preset.PAPER.recipe())));
        v.put("smoke", plain(value.apply(Preset.SMOKE.recipe())));
        if (v.values().stream().distinct().count() == 1) {
            return "(" + v.get("paper") + ")";
        }
        return String.join(
                ", ",
                v.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList());
    }

    @Test
    void trainHelpShowsEachRecipeDefaultAsThePresetsHaveIt() {
        MainTest.Result r = MainTest.run("train", "--help");
        assertEquals(0, r.code(), r.err());
        String help = r.out();
        Map<String, Function<Recipe, Object>> flags = new LinkedHashMap<>();
        flags.put("--epochs", Recipe::getEpochs);
        flags.put("--batch", Recipe::getBatchSize);
        flags.put("--lr", Recipe::getLearningRate);
        flags.put("--momentum", Recipe::getMomentum);
        flags.put("--weight-decay", Recipe::getWeightDecay);
        flags.put("--schedule", Recipe::getSchedule);
        flags.put("--patience", Recipe::getPatience);
        flags.put("--resolution", Recipe::getResolution);
        flags.put("--subset", Recipe::getTrainSubset);
        flags.put("--test-subset", Recipe::getTestSubset);
        flags.put("--seed", Recipe::getSeed);
        flags.forEach((flag, value) -> {
            String expected = perPreset(value);
            assertTrue(
                    entry(help, flag).contains(expected), flag + " should show " + expected + ": " + entry(help, flag));
        });
        // Spot checks against the paper's numbers, so a formatting slip cannot hide in both sides.
        assertTrue(entry(help, "--epochs").contains("paper 90"), entry(help, "--epochs"));
        assertTrue(entry(help, "--weight-decay").contains("(0.0005)"), entry(help, "--weight-decay"));
        // Model defaults come from the model's builders.
        assertTrue(
                entry(help, "--towers")
                        .contains("alexnet " + AlexNet.builder().getTowers() + ", alexnet-fashion "
                                + AlexNet.fashionMnistBuilder().getTowers()),
                entry(help, "--towers"));
        assertTrue(
                entry(help, "--dropout")
                        .contains("(default: " + plain(AlexNet.builder().getDropout()) + ")"),
                entry(help, "--dropout"));
        assertTrue(
                entry(help, "--preset")
                        .contains("workshop, d2l-96, d2l, paper, smoke (default: workshop on the CPU, d2l with a GPU)"),
                entry(help, "--preset"));
        assertTrue(entry(help, "--statistics-images").contains("(default 10000)"), entry(help, "--statistics-images"));
    }

    @Test
    void sampleAndPredictHelpShowTheirBuildersDefaults() {
        String sample = MainTest.run("sample", "--help").out();
        assertTrue(
                entry(sample, "--classes").contains("(default " + ImageNetSample.Builder.DEFAULT_CLASSES + ")"),
                entry(sample, "--classes"));
        assertTrue(entry(sample, "--train-per-class").contains("(default 100)"), entry(sample, "--train-per-class"));
        assertTrue(entry(sample, "--val-per-class").contains("(default 20)"), entry(sample, "--val-per-class"));
        assertTrue(entry(sample, "--min-side").contains("(default 100)"), entry(sample, "--min-side"));
        assertTrue(entry(sample, "--max-side").contains("(default 400)"), entry(sample, "--max-side"));
        assertTrue(entry(sample, "--seed").contains("(default 42)"), entry(sample, "--seed"));
        String predict = MainTest.run("predict", "--help").out();
        assertTrue(entry(predict, "--top").contains("(default 5)"), entry(predict, "--top"));
        // The summary's classes and channels follow the variant's dataset.
        String summary = MainTest.run("summary", "--help").out();
        assertTrue(
                entry(summary, "--classes")
                        .contains("default 1000 for alexnet and alexnet-torchvision, 10 for the others"),
                entry(summary, "--classes"));
        assertTrue(
                entry(summary, "--channels")
                        .contains("default 3 for alexnet and alexnet-torchvision, 1 for the others"),
                entry(summary, "--channels"));
    }

    /** Every flag of every command is in its help with a description, and every variable in it was filled in. */
    @Test
    void everyFlagIsDocumented() {
        CommandLine cl = new Main(System.out, System.err).commandLine();
        for (var sub : cl.getSubcommands().entrySet()) {
            if (sub.getKey().equals("help")) {
                continue;
            }
            MainTest.Result r = MainTest.run(sub.getKey(), "--help");
            assertEquals(0, r.code(), r.err());
            assertFalse(r.out().contains("${"), "unresolved variable in " + sub.getKey() + " help:\n" + r.out());
            for (OptionSpec o : sub.getValue().getCommandSpec().options()) {
                String e = entry(r.out(), o.longestName());
                assertTrue(
                        e.length() > o.longestName().length() + 12,
                        sub.getKey() + " " + o.longestName() + " has no help: " + e);
            }
        }
        // The flags issue 10 found undocumented.
        String summary = MainTest.run("summary", "--help").out();
        for (String flag : List.of("--activation", "--channels", "--dropout", "--paper-init", "--default-init")) {
            entry(summary, flag);
        }
        entry(MainTest.run("sample", "--help").out(), "--data-dir");
        // Each recipe value help shows per preset is a flag of train's recipe group.
        var train = cl.getSubcommands().get("train").getCommandSpec();
        for (String flag : HelpDefaults.RECIPE_FLAGS.keySet()) {
            OptionSpec o = train.findOption("--" + flag);
            assertTrue(o != null && o.group() != null && o.group().heading().startsWith("%nRecipe"), flag);
        }
    }

    private static void assertOneLine(MainTest.Result r, int code, String expected) {
        assertEquals(code, r.code(), r.out() + r.err());
        assertEquals("alexnet: " + expected, r.err().strip());
    }

    @Test
    void typosGetASuggestionAndTheUsageExitCode() {
        assertOneLine(
                MainTest.run("train", "--epoch", "3"),
                2,
                "unknown flag --epoch for train: did you mean --epochs? (see: alexnet train --help)");
        assertOneLine(
                MainTest.run("train", "--test-subst=5"),
                2,
                "unknown flag --test-subst for train: did you mean --test-subset? (see: alexnet train --help)");
        assertOneLine(
                MainTest.run("trian"),
                2,
                "unknown command 'trian': use train, evaluate, summary, sample, doctor, predict, export, import-torchvision, experiment, figure1, help: did you mean train or experiment?");
        assertOneLine(
                MainTest.run("train", "fast"), 2, "unexpected argument 'fast' for train (see: alexnet train --help)");
    }

    @Test
    void aFlagOfAnotherCommandIsRefused() {
        assertOneLine(
                MainTest.run("summary", "--epochs", "3"),
                2,
                "unknown flag --epochs for summary (see: alexnet summary --help)");
        assertOneLine(
                MainTest.run("doctor", "--engine", "PyTorch"),
                2,
                "unknown flag --engine for doctor (see: alexnet doctor --help)");
        MainTest.Result r = MainTest.run("evaluate", "--checkpoint", "x", "--gpus", "1");
        assertEquals(2, r.code());
        assertTrue(
                r.err().startsWith("alexnet: unknown flag --gpus for evaluate")
                        && r.err().strip().endsWith("(see: alexnet evaluate --help)")
                        && r.err().strip().lines().count() == 1,
                r.err());
    }

    @Test
    void valuesAreCheckedWhereTheyAreDeclared() {
        assertOneLine(
                MainTest.run("train", "--pooling", "diagonal"),
                2,
                "--pooling must be overlapping or non-overlapping, got 'diagonal'");
        assertOneLine(MainTest.run("summary", "--dropout", "lots"), 2, "--dropout must be a number, got 'lots'");
        assertOneLine(
                MainTest.run("train", "--schedule", "cosine"),
                2,
                "unknown schedule 'cosine': use plateau, step or constant");
        assertOneLine(
                MainTest.run("sample", "--output", "x", "--classes", "0"), 2, "--classes must be at least 1, got 0");
        assertOneLine(
                MainTest.run("train", "--paper-init", "--default-init"),
                2,
                "--paper-init and --default-init exclude each other");
        assertOneLine(MainTest.run("train", "--resume=yes"), 2, "--resume takes no value");
    }

    @Test
    void optionsAVariantIgnoresAreRefusedAndLeNetGetsItsOwnPreset(@org.junit.jupiter.api.io.TempDir Path dir) {
        assertOneLine(
                MainTest.run("summary", "--model", "lenet", "--activation", "relu"),
                2,
                "--activation does not apply to --model lenet (LeNet-5 is fixed: sigmoid, average pooling, no dropout): drop it");
        assertOneLine(
                MainTest.run("summary", "--model", "alexnet-torchvision", "--towers", "2"),
                2,
                "--towers does not apply to --model alexnet-torchvision (torchvision's network takes only --dropout): drop it");
        assertOneLine(
                MainTest.run(
                        "train",
                        "--model",
                        "lenet",
                        "--preset",
                        "paper",
                        "--output",
                        dir.resolve("r").toString()),
                2,
                "--model lenet has no --preset paper: use smoke, workshop, d2l");
    }

    @Test
    void helpNumbersComeFromTheConstants() {
        String train = MainTest.run("help", "train").out().replaceAll("\\s+", " ");
        assertFalse(train.contains("${bundle"), train);
        assertTrue(
                train.contains("divides the learning rate by "
                        + HelpDefaults.format(Recipe.paper().getLrDivisor()) + " when test accuracy"),
                train);
        assertTrue(
                train.contains("AlexNet needs >= " + AlexNet.MIN_INPUT_SIZE + ", LeNet takes "
                        + org.alexnet.model.LeNet.INPUT_SIZE),
                train);
        assertTrue(train.contains("0.0039 = 1/255 with --default-init"), train);
        assertTrue(
                train.contains(String.format(Locale.ROOT, "under %,d images", ImageNetData.SMALL_TRAINING_SET)), train);
        String summary = MainTest.run("help", "summary").out().replaceAll("\\s+", " ");
        assertTrue(
                summary.contains(
                        "without it, train and evaluate use PyTorch when GPUs are present that MXNet cannot use"),
                summary);
    }

    @Test
    void helpAndNoCommand() {
        MainTest.Result none = MainTest.run();
        assertEquals(2, none.code());
        assertTrue(
                none.out().contains("Commands:")
                        && none.out().contains("train")
                        && none.out().contains("doctor"),
                none.out());
        for (String[] args : List.of(new String[] {"--help"}, new String[] {"help"}, new String[] {"help", "train"})) {
            MainTest.Result r = MainTest.run(args);
            assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
            assertEquals("", r.err());
        }
        assertTrue(MainTest.run("help", "train").out().contains("--resume"));
        assertOneLine(MainTest.run("help", "fly"), 2, "unknown subcommand 'fly' (see: alexnet --help)");
    }
}
