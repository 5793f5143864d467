package org.alexnet.train;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.alexnet.files.AtomicFiles;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;

/** The per-epoch records of a run, as a tablesaw {@link Table} and as CSV. */
public final class History {

    static final String HEADER =
            "epoch,train_loss,train_accuracy,val_accuracy,val_top5,images_per_second,learning_rate,seconds";

    private final List<EpochRecord> records = new ArrayList<>();

    public synchronized void add(EpochRecord r) {
        records.add(r);
    }

    public synchronized List<EpochRecord> records() {
        return Collections.unmodifiableList(new ArrayList<>(records));
    }

    public synchronized int size() {
        return records.size();
    }

    /** The last epoch's record. */
    public synchronized EpochRecord last() {
        if (records.isEmpty()) {
            throw new IllegalStateException("no epoch has finished yet");
        }
        return records.get(records.size() - 1);
    }

    /**
     * One row per epoch, columns as in {@link #toCsv()}; the values are exact, but they print rounded
     * (4 decimals for losses and accuracies, 1 for images/s and seconds) so notebooks show a readable table.
     */
    public synchronized Table toTable() {
        Table t = Table.create("history");
        t.addColumns(
                IntColumn.create(
                        "epoch", records.stream().mapToInt(EpochRecord::epoch).toArray()),
                column("train_loss", EpochRecord::trainLoss, 4),
                column("train_accuracy", EpochRecord::trainAccuracy, 4),
                column("val_accuracy", EpochRecord::validationAccuracy, 4),
                column("val_top5", EpochRecord::validationTop5, 4),
                column("images_per_second", EpochRecord::imagesPerSecond, 1),
                column("learning_rate", EpochRecord::learningRate, -1),
                column("seconds", EpochRecord::seconds, 1));
        return t;
    }

    /** A column printed with {@code decimals} decimals, or up to 8 significant ones (for learning rates) when negative. */
    private DoubleColumn column(String name, ToDoubleFunction<EpochRecord> value, int decimals) {
        DoubleColumn c = DoubleColumn.create(name, records.stream().mapToDouble(value));
        DecimalFormat format = new DecimalFormat(
                decimals < 0 ? "0.########" : "0." + "0".repeat(decimals),
                DecimalFormatSymbols.getInstance(Locale.ROOT));
        c.setPrintFormatter(new NumberColumnFormatter(format, "NaN"));
        return c;
    }

    /** CSV with a header line; numbers in full precision, NaN for missing values. */
    public synchronized String toCsv() {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (EpochRecord r : records) {
            sb.append(String.format(
                    Locale.ROOT,
                    "%d,%s,%s,%s,%s,%s,%s,%s%n",
                    r.epoch(),
                    r.trainLoss(),
                    r.trainAccuracy(),
                    r.validationAccuracy(),
                    r.validationTop5(),
                    r.imagesPerSecond(),
                    r.learningRate(),
                    r.seconds()));
        }
        return sb.toString();
    }

    /** Writes {@link #toCsv()} to {@code file} atomically (a reader never sees half a file). */
    public void writeCsv(Path file) throws IOException {
        AtomicFiles.write(file, toCsv().getBytes(StandardCharsets.UTF_8));
    }

    /** Parses what {@link #toCsv()} wrote. */
    public static History fromCsv(String csv) {
        History h = new History();
        try (var reader = new BufferedReader(new StringReader(csv))) {
            String header = reader.readLine();
            if (header == null || !header.trim().equals(HEADER)) {
                throw new IllegalArgumentException("not a training history (header: " + header + ")");
            }
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split(",");
                h.add(new EpochRecord(
                        Integer.parseInt(f[0]),
                        Double.parseDouble(f[1]),
                        Double.parseDouble(f[2]),
                        Double.parseDouble(f[3]),
                        Double.parseDouble(f[4]),
                        Double.parseDouble(f[5]),
                        Double.parseDouble(f[6]),
                        Double.parseDouble(f[7])));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return h;
    }

    /** Reads a CSV file written by {@link #writeCsv(Path)}. */
    public static History readCsv(Path file) throws IOException {
        return fromCsv(Files.readString(file));
    }
}
