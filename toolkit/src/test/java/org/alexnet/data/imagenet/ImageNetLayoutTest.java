package org.alexnet.data.imagenet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.alexnet.data.DatasetException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageNetLayoutTest {

    @TempDir
    static Path dir;

    static Path folders;
    static Path flat;

    @BeforeAll
    static void writeSamples() throws IOException {
        folders = dir.resolve("folders");
        flat = dir.resolve("flat");
        ImageNetSample.Builder b = ImageNetSample.builder()
                .optClasses(4)
                .optTrainPerClass(5)
                .optValidationPerClass(3)
                .optShorterSide(40, 60);
        b.build().write(folders);
        b.optFlatValidation(true).optOddFiles(false).build().write(flat);
    }

    @Test
    void classFoldersGiveSortedClassesAndLabels() {
        ImageNetLayout l = ImageNetLayout.read(folders);
        assertEquals(List.of("n00000000", "n00000001", "n00000002", "n00000003"), l.getWnids());
        assertEquals(List.of("T-shirt/top", "Trouser", "Pullover", "Dress"), l.getClassNames());
        // 5 per class plus the 6 odd files (3 readable, 3 broken) in the first class.
        assertEquals(4 * 5 + 6, l.getTrainFiles().size());
        assertEquals(4 * 3, l.getValidationFiles().size());
        assertEquals("class folders", l.getValidationSource());
        int[] labels = l.getTrainLabels();
        for (int i = 0; i < labels.length; i++) {
            assertEquals(
                    l.getWnids().get(labels[i]),
                    l.getTrainFiles().get(i).getParent().getFileName().toString());
        }
        int[] val = l.getValidationLabels();
        for (int i = 0; i < val.length; i++) {
            assertEquals(
                    l.getWnids().get(val[i]),
                    l.getValidationFiles().get(i).getParent().getFileName().toString());
        }
    }

    @Test
    void flatValidationReadsValLabelsCsv() throws IOException {
        ImageNetLayout l = ImageNetLayout.read(flat);
        assertEquals("val_labels.csv", l.getValidationSource());
        assertEquals(12, l.getValidationFiles().size());
        // The sample numbers its val images class by class, 3 each.
        assertArrayEquals(new int[] {0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3}, l.getValidationLabels());
    }

    @Test
    void flatValidationReadsKaggleSolution() throws IOException {
        Path root = copyWithoutLabels("kaggle");
        List<String> lines = new ArrayList<>(List.of("ImageId,PredictionString"));
        for (int i = 1; i <= 12; i++) {
            // Reverse class order, with boxes after the wnid as in Kaggle's file.
            lines.add(String.format(
                    "ILSVRC2012_val_%08d,%s 1 2 30 40 %s 5 6 7 8",
                    i, ImageNetSample.wnid(3 - (i - 1) / 3), ImageNetSample.wnid(0)));
        }
        Files.write(root.resolve("LOC_val_solution.csv"), lines);
        ImageNetLayout l = ImageNetLayout.read(root);
        assertEquals("LOC_val_solution.csv", l.getValidationSource());
        assertArrayEquals(new int[] {3, 3, 3, 2, 2, 2, 1, 1, 1, 0, 0, 0}, l.getValidationLabels());
    }

    @Test
    void flatValidationReadsDevkitGroundTruthThroughSynsetOrder() throws IOException {
        Path root = copyWithoutLabels("devkit");
        // ILSVRC2012_IDs are not in wnid order: ID 1 = n00000002, 2 = n00000000, 3 = n00000003, 4 = n00000001.
        Files.write(
                root.resolve("synsets.txt"),
                List.of("n00000002\tPullover", "n00000000\tT-shirt/top", "n00000003\tDress", "n00000001\tTrouser"));
        List<String> ids = new ArrayList<>();
        int[] idOfClass = {2, 4, 1, 3};
        for (int i = 0; i < 12; i++) {
            ids.add(Integer.toString(idOfClass[(i / 3 + 1) % 4]));
        }
        Files.write(root.resolve("ILSVRC2012_validation_ground_truth.txt"), ids);
        ImageNetLayout l = ImageNetLayout.read(root);
        assertEquals("ILSVRC2012_validation_ground_truth.txt", l.getValidationSource());
        assertArrayEquals(new int[] {1, 1, 1, 2, 2, 2, 3, 3, 3, 0, 0, 0}, l.getValidationLabels());
        assertEquals("Trouser", l.getClassNames().get(1));
    }

    @Test
    void classSubsetKeepsTheFirstClassesEverywhere() {
        ImageNetLayout l = ImageNetLayout.read(flat, 2);
        assertEquals(2, l.getClassCount());
        assertEquals(10, l.getTrainFiles().size());
        assertEquals(6, l.getValidationFiles().size());
        assertTrue(Arrays.stream(l.getValidationLabels()).allMatch(v -> v < 2));
    }

    @Test
    void missingPiecesGiveOneLineWithTheFix() throws IOException {
        DatasetException e = assertThrows(DatasetException.class, () -> ImageNetLayout.read(dir.resolve("nowhere")));
        assertTrue(
                e.getMessage().contains("ROOT/train/<wnid>/*.JPEG")
                        && !e.getMessage().contains("\n"),
                e.getMessage());
        Path root = copyWithoutLabels("nolabels");
        e = assertThrows(DatasetException.class, () -> ImageNetLayout.read(root));
        assertTrue(e.getMessage().contains("val_labels.csv, LOC_val_solution.csv"), e.getMessage());
    }

    /** A copy of the flat sample without its val_labels.csv. */
    private static Path copyWithoutLabels(String name) throws IOException {
        Path root = dir.resolve(name);
        try (var s = Files.walk(flat)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path to = root.resolve(flat.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else if (!p.getFileName().toString().equals("val_labels.csv")) {
                    Files.copy(p, to);
                }
            }
        }
        return root;
    }

    @Test
    void layoutProblemsAreReportedOrRefused(@TempDir Path tmp) throws IOException {
        Path root = tmp.resolve("r");
        for (String c : List.of("n1", "n2")) {
            Files.createDirectories(root.resolve("train").resolve(c));
            Files.write(root.resolve("train").resolve(c).resolve("a.JPEG"), new byte[] {1});
        }
        Files.createDirectories(root.resolve("train/n3"));
        DatasetException e = assertThrows(DatasetException.class, () -> ImageNetLayout.read(root));
        assertEquals(
                "1 class folder in " + root.resolve("train") + " holds no images (first: n3): each would be a class"
                        + " that cannot be learned; remove them or add their images",
                e.getMessage());
        Files.delete(root.resolve("train/n3"));

        Files.createDirectories(root.resolve("val"));
        Files.writeString(root.resolve("val_labels.csv"), "v1.JPEG,n1\nv2.JPEG,n9\nv3.JPEG,n8\n");
        for (String v : List.of("v1", "v2", "v3")) {
            Files.write(root.resolve("val").resolve(v + ".JPEG"), new byte[] {1});
        }
        List<String> notes = new ArrayList<>();
        ImageNetLayout l = ImageNetLayout.read(root, 0, notes::add);
        assertEquals(1, l.getValidationFiles().size());
        assertEquals(
                List.of(
                        "note: 2 validation images left out: their labels are not a class in " + root.resolve("train")
                                + " (first: v2.JPEG: n9, v3.JPEG: n8)",
                        "note: 1 class has no validation images (first: n2): its accuracy" + " is not measured"),
                notes);

        Files.writeString(root.resolve("val_labels.csv"), "v1.JPEG,n7\nv2.JPEG,n9\nv3.JPEG,n8\n");
        e = assertThrows(DatasetException.class, () -> ImageNetLayout.read(root));
        assertTrue(
                e.getMessage()
                        .startsWith("none of the 3 validation images of " + root
                                + " (val_labels.csv) belongs to a class in "),
                e.getMessage());
    }
}
