package org.alexnet.predict;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The top classes for each image, or why an image could not be read; as text or CSV. */
public final class PredictionTable {

    /** One image: its top classes (most probable first) or an error. */
    public record Row(Path file, int[] classes, String[] names, float[] probabilities, String error) {
        public boolean ok() {
            return error == null;
        }
    }

    private final List<Row> rows = new ArrayList<>();

    void add(Row row) {
        rows.add(row);
    }

    public List<Row> rows() {
        return List.copyOf(rows);
    }

    /** Images that could not be read. */
    public long failures() {
        return rows.stream().filter(r -> !r.ok()).count();
    }

    /** An aligned table: one line per image and rank, an error line for unreadable images. */
    public String toTable() {
        int width = Math.max(
                5,
                rows.stream()
                        .mapToInt(r -> r.file().getFileName().toString().length())
                        .max()
                        .orElse(5));
        StringBuilder s = new StringBuilder(String.format(
                Locale.ROOT,
                "%-" + width + "s  %4s  %5s  %-30s  %11s%n",
                "image",
                "rank",
                "class",
                "name",
                "probability"));
        for (Row r : rows) {
            String name = r.file().getFileName().toString();
            if (!r.ok()) {
                s.append(String.format(Locale.ROOT, "%-" + width + "s  skipped: %s%n", name, r.error()));
                continue;
            }
            for (int k = 0; k < r.classes().length; k++) {
                s.append(String.format(
                        Locale.ROOT,
                        "%-" + width + "s  %4d  %5d  %-30s  %11.4f%n",
                        k == 0 ? name : "",
                        k + 1,
                        r.classes()[k],
                        r.names()[k],
                        r.probabilities()[k]));
            }
        }
        return s.toString();
    }

    /** CSV with header {@code image,rank,class,name,probability,error}; one line per image and rank. */
    public String toCsv() {
        StringBuilder s = new StringBuilder("image,rank,class,name,probability,error\n");
        for (Row r : rows) {
            String file = quote(r.file().toString());
            if (!r.ok()) {
                s.append(file).append(",,,,,").append(quote(r.error())).append('\n');
                continue;
            }
            for (int k = 0; k < r.classes().length; k++) {
                s.append(String.format(
                        Locale.ROOT,
                        "%s,%d,%d,%s,%.6f,%n",
                        file,
                        k + 1,
                        r.classes()[k],
                        quote(r.names()[k]),
                        r.probabilities()[k]));
            }
        }
        return s.toString();
    }

    private static String quote(String v) {
        return v.contains(",") || v.contains("\"") || v.contains("\n") ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
    }
}
