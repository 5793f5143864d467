package org.alexnet.notebook;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.alexnet.plot.TrainingCurves;
import org.alexnet.train.ConsoleProgress;
import org.alexnet.train.EpochRecord;
import org.alexnet.train.History;
import org.alexnet.train.ProgressListener;

/**
 * A training run's progress in a notebook: one status output (epoch, batch, running loss and accuracy,
 * images/s, ETA, a row per finished epoch) updated in place at most every {@code interval}, and the
 * training curves redrawn in place after each epoch. Outside a kernel it prints like
 * {@link ConsoleProgress}.
 *
 * <pre>{@code
 * History h = Training.builder().setModel(model, spec).setData(new FashionMnistData())
 *         .setRecipe(Preset.SMOKE.recipe())
 *         .addListener(new LiveTraining()).build().fit();
 * }</pre>
 */
public final class LiveTraining implements ProgressListener {

    private static final long DEFAULT_INTERVAL_MILLIS = 500;
    private static final int MAX_MESSAGES = 5;

    private final long intervalNanos;
    private final boolean curves;
    private final LongSupplier clock;

    private final List<EpochRecord> epochs = new ArrayList<>();
    private final List<String> messages = new ArrayList<>();
    private ProgressListener console;
    private String description = "";
    private Display.Output status;
    private Display.Output curvesOutput;
    private BatchProgress lastBatch;
    private long lastUpdate;
    private boolean finished;

    /** Status at most every 0.5 s, curves after each epoch. */
    public LiveTraining() {
        this(DEFAULT_INTERVAL_MILLIS, true);
    }

    /**
     * @param intervalMillis least time between two status updates (the last batch of an epoch always shows)
     * @param curves whether to draw the training curves after each epoch
     */
    public LiveTraining(long intervalMillis, boolean curves) {
        this(intervalMillis, curves, System::nanoTime);
    }

    LiveTraining(long intervalMillis, boolean curves, LongSupplier clock) {
        this.intervalNanos = intervalMillis * 1_000_000L;
        this.curves = curves;
        this.clock = clock;
    }

    @Override
    public void onStart(int startEpoch, int epochs, String description) {
        if (Display.kernel() == Display.Kernel.NONE) {
            console = new ConsoleProgress(System.out, false);
            console.onStart(startEpoch, epochs, description);
            return;
        }
        this.description = description;
        if (startEpoch > 0) {
            messages.add(String.format(Locale.ROOT, "resuming after epoch %d of %d", startEpoch, epochs));
        }
        status = Display.output(statusHtml(), statusText());
        lastUpdate = clock.getAsLong();
        if (curves) {
            // The library goes out first, in an output of its own, so the curves' updates stay small.
            Display.preparePlots();
            curvesOutput =
                    Display.output("<div style=\"color:#777\">training curves appear after the first epoch</div>", "");
        }
    }

    @Override
    public void onBatch(BatchProgress p) {
        if (console != null) {
            console.onBatch(p);
            return;
        }
        lastBatch = p;
        long now = clock.getAsLong();
        if (now - lastUpdate >= intervalNanos || p.batch() == p.batches()) {
            lastUpdate = now;
            refresh();
        }
    }

    @Override
    public void onEpoch(EpochRecord record, History history, boolean lrDropped) {
        if (console != null) {
            console.onEpoch(record, history, lrDropped);
            return;
        }
        epochs.add(record);
        if (lrDropped) {
            messages.add(String.format(
                    Locale.ROOT, "epoch %d: test accuracy stopped improving, learning rate divided", record.epoch()));
        }
        lastBatch = null;
        refresh();
        if (curvesOutput != null) {
            curvesOutput.plot(TrainingCurves.of(history));
        }
    }

    @Override
    public void onMessage(String message) {
        if (console != null) {
            console.onMessage(message);
            return;
        }
        messages.add(message);
        if (status != null) {
            refresh();
        }
    }

    @Override
    public void onEnd(History history) {
        if (console != null) {
            console.onEnd(history);
            return;
        }
        finished = true;
        lastBatch = null;
        refresh();
    }

    private void refresh() {
        if (status != null) {
            status.html(statusHtml(), statusText());
        }
    }

    // ---- rendering ---------------------------------------------------------------------------------

    String statusText() {
        BatchProgress p = lastBatch;
        if (p == null) {
            return finished ? "training finished after " + epochs.size() + " epochs" : description;
        }
        return String.format(
                Locale.ROOT,
                "epoch %d/%d batch %d/%d loss %.4f acc %.3f %.1f img/s ETA %s",
                p.epoch(),
                p.epochs(),
                p.batch(),
                p.batches(),
                p.loss(),
                p.accuracy(),
                p.imagesPerSecond(),
                ConsoleProgress.formatSeconds(p.etaSeconds()));
    }

    String statusHtml() {
        StringBuilder sb =
                new StringBuilder("<div class=\"alexnet-live\" style=\"font-family:monospace;font-size:13px\">");
        sb.append("<div style=\"color:#555\">").append(escape(description)).append("</div>");
        BatchProgress p = lastBatch;
        if (p != null) {
            double fraction = p.batches() == 0 ? 1 : (double) p.batch() / p.batches();
            sb.append(String.format(
                    Locale.ROOT,
                    "<div style=\"margin:4px 0\"><b>epoch %d/%d</b> "
                            + "<span style=\"display:inline-block;width:240px;height:10px;background:#e5e5e5;"
                            + "vertical-align:middle\"><span style=\"display:block;width:%.1f%%;height:100%%;"
                            + "background:#3a7dc9\"></span></span> batch %d/%d &middot; loss %.4f &middot; "
                            + "acc %.3f &middot; %.1f img/s &middot; lr %.3g &middot; ETA %s</div>",
                    p.epoch(),
                    p.epochs(),
                    100 * fraction,
                    p.batch(),
                    p.batches(),
                    p.loss(),
                    p.accuracy(),
                    p.imagesPerSecond(),
                    p.learningRate(),
                    ConsoleProgress.formatSeconds(p.etaSeconds())));
        } else if (finished) {
            sb.append("<div style=\"margin:4px 0\"><b>finished</b> after ")
                    .append(epochs.size())
                    .append(epochs.size() == 1 ? " epoch" : " epochs")
                    .append("</div>");
        }
        if (!epochs.isEmpty()) {
            sb.append("<table style=\"border-collapse:collapse;margin-top:4px\"><thead><tr>");
            for (String h :
                    new String[] {"epoch", "train loss", "train acc", "test acc", "test top-5", "img/s", "lr", "time"
                    }) {
                sb.append("<th style=\"padding:0 8px;text-align:right\">")
                        .append(h)
                        .append("</th>");
            }
            sb.append("</tr></thead><tbody>");
            for (EpochRecord r : epochs) {
                sb.append(String.format(
                        Locale.ROOT,
                        "<tr><td %1$s>%2$d</td><td %1$s>%3$.4f</td><td %1$s>%4$.4f</td><td %1$s>%5$.4f</td>"
                                + "<td %1$s>%6$s</td><td %1$s>%7$.1f</td><td %1$s>%8$.3g</td><td %1$s>%9$s</td></tr>",
                        "style=\"padding:0 8px;text-align:right\"",
                        r.epoch(),
                        r.trainLoss(),
                        r.trainAccuracy(),
                        r.validationAccuracy(),
                        Double.isNaN(r.validationTop5())
                                ? "&ndash;"
                                : String.format(Locale.ROOT, "%.4f", r.validationTop5()),
                        r.imagesPerSecond(),
                        r.learningRate(),
                        ConsoleProgress.formatSeconds(r.seconds())));
            }
            sb.append("</tbody></table>");
        }
        int from = Math.max(0, messages.size() - MAX_MESSAGES);
        for (String m : messages.subList(from, messages.size())) {
            sb.append("<div style=\"color:#555\">").append(escape(m)).append("</div>");
        }
        return sb.append("</div>").toString();
    }

    private static String escape(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
