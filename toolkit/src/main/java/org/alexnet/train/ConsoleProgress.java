package org.alexnet.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A console progress bar with running loss, accuracy, throughput and ETA. On a terminal it redraws
 * one line in place; in logs (CI, redirected output) it prints a line every tenth of an epoch.
 */
public final class ConsoleProgress implements ProgressListener {

    private static final int WIDTH = 24;
    private final PrintStream out;
    private final boolean interactive;
    private int lastDecile = -1;

    public ConsoleProgress() {
        this(System.out, System.console() != null);
    }

    public ConsoleProgress(PrintStream out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    @Override
    public void onStart(int startEpoch, int epochs, String description) {
        out.println(description);
        if (startEpoch > 0) {
            out.printf(Locale.ROOT, "resuming after epoch %d of %d%n", startEpoch, epochs);
        }
    }

    @Override
    public void onBatch(BatchProgress p) {
        String line = String.format(
                Locale.ROOT,
                "epoch %d/%d %s %d/%d loss %.4f acc %.3f %.1f img/s lr %.2g ETA %s",
                p.epoch(),
                p.epochs(),
                bar(p.batch(), p.batches()),
                p.batch(),
                p.batches(),
                p.loss(),
                p.accuracy(),
                p.imagesPerSecond(),
                p.learningRate(),
                formatSeconds(p.etaSeconds()));
        if (interactive) {
            out.print("\r" + line + "   ");
            out.flush();
        } else {
            int decile = p.batch() * 10 / p.batches();
            if (decile != lastDecile) {
                lastDecile = decile;
                out.println(line);
            }
        }
    }

    @Override
    public void onEpoch(EpochRecord r, History history, boolean lrDropped) {
        if (interactive) {
            out.println();
        }
        lastDecile = -1;
        out.printf(
                Locale.ROOT,
                "epoch %d: train loss %.4f, train acc %.4f, test acc %.4f%s, %.1f img/s, lr %.3g, %s%n",
                r.epoch(),
                r.trainLoss(),
                r.trainAccuracy(),
                r.validationAccuracy(),
                Double.isNaN(r.validationTop5()) ? "" : String.format(Locale.ROOT, " (top-5 %.4f)", r.validationTop5()),
                r.imagesPerSecond(),
                r.learningRate(),
                formatSeconds(r.seconds()));
        if (lrDropped) {
            out.println("validation accuracy stopped improving: learning rate divided");
        }
    }

    @Override
    public void onMessage(String message) {
        out.println(message);
    }

    static String bar(int done, int total) {
        int filled = total == 0 ? WIDTH : (int) Math.round((double) done / total * WIDTH);
        return "[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "]";
    }

    /** 75 -> "1m15s", 3725 -> "1h02m". */
    public static String formatSeconds(double seconds) {
        if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
            return "?";
        }
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }
}
