package org.alexnet.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The ImageNet class names predict shows agree with torchvision's own list (Debian's
 * python3-torchvision, {@code torchvision/models/_meta.py} {@code _IMAGENET_CATEGORIES}) for all 1000
 * classes, read by /usr/bin/python3; skipped, saying why, where it is absent.
 */
class ImageNetClassNamesTest {

    @Test
    void namesAreTorchvisionsCategoriesExceptTheTwoSharedLemmas() throws Exception {
        List<String> torchvision = torchvisionCategories();
        List<String> ours = TrainedModel.imageNetClassNames();
        assertEquals(1000, ours.size());
        assertEquals(1000, torchvision.size());
        List<String> differ = new ArrayList<>();
        for (int i = 0; i < ours.size(); i++) {
            if (!ours.get(i).equals(torchvision.get(i))) {
                differ.add(i + ": " + ours.get(i) + " / " + torchvision.get(i));
            }
        }
        // The mapping rule: the synset's first lemma, and where two classes share it, that lemma and the
        // wnid; torchvision names those four its own way ("crane bird" against "crane").
        assertEquals(
                List.of(
                        "134: crane (n02012849) / crane bird",
                        "517: crane (n03126707) / crane",
                        "638: maillot (n03710637) / maillot",
                        "639: maillot (n03710721) / maillot tank suit"),
                differ);
        assertEquals("tench", ours.get(0));
        assertEquals("toilet tissue", ours.get(999));
    }

    @Test
    void theResourceIsTheDatasetsSynsetMappingInWnidOrder() throws Exception {
        List<String> lines;
        try (var in = TrainedModel.class.getResourceAsStream("imagenet-synsets.txt")) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .toList();
        }
        assertEquals(1000, lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            assertTrue(line.matches("n\\d{8} [^,_]+(, [^,_]+)*"), "line " + (i + 1) + ": " + line);
            if (i > 0) {
                assertTrue(
                        lines.get(i - 1).substring(0, 9).compareTo(line.substring(0, 9)) < 0,
                        "wnid order at " + (i + 1));
            }
        }
    }

    /** torchvision's category list, one per line, from /usr/bin/python3. */
    private static List<String> torchvisionCategories() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        Assumptions.assumeTrue(
                Files.isExecutable(python), "no /usr/bin/python3 (Debian's python3-torchvision reads it)");
        Path out = Files.createTempFile("categories", ".txt");
        try {
            Process p = new ProcessBuilder(
                            python.toString(),
                            "-c",
                            "import sys\nfrom torchvision.models._meta import _IMAGENET_CATEGORIES as c\n"
                                    + "open(sys.argv[1], 'w', encoding='utf-8').write('\\n'.join(c))",
                            out.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(5, TimeUnit.MINUTES)) { // only catches a hang
                p.destroyForcibly();
            }
            Assumptions.assumeTrue(
                    p.exitValue() == 0,
                    "python3-torchvision is not installed (/usr/bin/python3 cannot import torchvision):"
                            + " scripts/setup.sh installs it");
            return Files.readString(out, StandardCharsets.UTF_8).lines().toList();
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
