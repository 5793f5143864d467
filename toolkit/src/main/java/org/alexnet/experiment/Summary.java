package org.alexnet.experiment;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.plotly.components.Axis;
import tech.tablesaw.plotly.components.Figure;
import tech.tablesaw.plotly.components.Layout;
import tech.tablesaw.plotly.components.Margin;
import tech.tablesaw.plotly.components.Marker;
import tech.tablesaw.plotly.traces.ScatterTrace;
import tech.tablesaw.plotly.traces.Trace;

/**
 * An ablation table: for each arm the mean and standard deviation of its test errors over seeds,
 * and its difference from the baseline with a 95% interval (Welch). Errors are in percentage points.
 */
public final class Summary {

    /** One arm's line. */
    public record Line(
            String arm,
            int runs,
            double top1,
            double top1Sd,
            double top5,
            double top5Sd,
            Statistics.Interval top1VsBaseline,
            Statistics.Interval top5VsBaseline,
            double seconds) {}

    private final List<Line> lines;
    private final String baseline;

    private Summary(List<Line> lines, String baseline) {
        this.lines = List.copyOf(lines);
        this.baseline = baseline;
    }

    /** Summarises results against the arm named {@code baseline}, arms in the order first seen. */
    public static Summary of(List<Experiment.Result> results, String baseline) {
        Map<String, List<Experiment.Result>> byArm = new LinkedHashMap<>();
        for (Experiment.Result r : results) {
            byArm.computeIfAbsent(r.arm(), k -> new ArrayList<>()).add(r);
        }
        List<Experiment.Result> base = byArm.get(baseline);
        if (base == null) {
            throw new IllegalArgumentException("no results for the baseline arm '" + baseline + "' yet");
        }
        List<Line> lines = new ArrayList<>();
        for (Map.Entry<String, List<Experiment.Result>> e : byArm.entrySet()) {
            List<Double> top1 = percent(e.getValue(), true);
            List<Double> top5 = percent(e.getValue(), false);
            List<Double> seconds =
                    e.getValue().stream().map(Experiment.Result::seconds).toList();
            lines.add(new Line(
                    e.getKey(),
                    e.getValue().size(),
                    Statistics.mean(top1),
                    Statistics.sd(top1),
                    Statistics.mean(top5),
                    Statistics.sd(top5),
                    Statistics.welch(top1, percent(base, true), 0.95),
                    Statistics.welch(top5, percent(base, false), 0.95),
                    Statistics.mean(seconds)));
        }
        return new Summary(lines, baseline);
    }

    private static List<Double> percent(List<Experiment.Result> rs, boolean top1) {
        return rs.stream()
                .map(r -> 100 * (top1 ? r.top1Error() : r.top5Error()))
                .toList();
    }

    public List<Line> lines() {
        return lines;
    }

    /** The line of one arm. */
    public Line line(String arm) {
        return lines.stream()
                .filter(l -> l.arm().equals(arm))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no results for arm '" + arm + "'"));
    }

    /** The table as a tablesaw {@link Table} (rounded to 0.01 points), for notebooks and CSV. */
    public Table toTable() {
        Table t = Table.create(
                "ablations",
                StringColumn.create("arm"),
                IntColumn.create("runs"),
                DoubleColumn.create("top-1 error %"),
                DoubleColumn.create("sd"),
                DoubleColumn.create("vs baseline"),
                DoubleColumn.create("95% low"),
                DoubleColumn.create("95% high"),
                DoubleColumn.create("top-5 error %"),
                DoubleColumn.create("top-5 vs baseline"),
                DoubleColumn.create("s per run"));
        for (Line l : lines) {
            t.stringColumn(0).append(l.arm());
            t.intColumn(1).append(l.runs());
            t.doubleColumn(2).append(round(l.top1()));
            t.doubleColumn(3).append(round(l.top1Sd()));
            t.doubleColumn(4).append(round(l.top1VsBaseline().difference()));
            t.doubleColumn(5).append(round(l.top1VsBaseline().low()));
            t.doubleColumn(6).append(round(l.top1VsBaseline().high()));
            t.doubleColumn(7).append(round(l.top5()));
            t.doubleColumn(8).append(round(l.top5VsBaseline().difference()));
            t.doubleColumn(9).append(Math.round(l.seconds()));
        }
        return t;
    }

    private static double round(double v) {
        return Double.isNaN(v) ? Double.NaN : Math.round(v * 100) / 100.0;
    }

    /** The summary of a results file ({@value Experiment#RESULTS}) against the arm named {@code baseline}. */
    public static Summary read(Path results, String baseline) throws IOException {
        return of(Experiment.read(results), baseline);
    }

    /**
     * Each arm's top-1 difference from the baseline (points; above 0 = worse than the baseline) as a dot
     * with its 95% interval as a bar, one row per arm: an interval that crosses 0 is no measured effect.
     */
    public Figure differencePlot(String title) {
        List<Trace> traces = new ArrayList<>();
        List<Line> arms = lines.stream().filter(l -> !l.arm().equals(baseline)).toList();
        String[] names = arms.stream().map(Line::arm).toArray(String[]::new);
        for (Line l : arms) {
            Statistics.Interval d = l.top1VsBaseline();
            if (!Double.isNaN(d.low())) {
                traces.add(ScatterTrace.builder(
                                DoubleColumn.create("x", d.low(), d.high()),
                                StringColumn.create("arm", l.arm(), l.arm()))
                        .mode(ScatterTrace.Mode.LINE)
                        .showLegend(false)
                        .name(l.arm() + " 95%")
                        .build());
            }
        }
        double[] diffs =
                arms.stream().mapToDouble(l -> l.top1VsBaseline().difference()).toArray();
        traces.add(ScatterTrace.builder(DoubleColumn.create("difference", diffs), StringColumn.create("arm", names))
                .mode(ScatterTrace.Mode.MARKERS)
                .marker(Marker.builder().size(10).build())
                .name("difference of means")
                .build());
        Layout layout = Layout.builder(title)
                .xAxis(Axis.builder()
                        .title("top-1 error vs baseline, points (95% interval)")
                        .build())
                .margin(Margin.builder().left(140).build()) // room for the longest arm name
                .height(120 + 40 * names.length)
                .width(760)
                .build();
        return new Figure(layout, traces.toArray(new Trace[0]));
    }

    /** A fixed-width text table, for the console. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(String.format(
                Locale.ROOT,
                "%-22s %4s %15s %26s %15s %8s%n",
                "arm",
                "runs",
                "top-1 error %",
                "vs baseline (95%)",
                "top-5 error %",
                "s/run"));
        for (Line l : lines) {
            Statistics.Interval d = l.top1VsBaseline();
            String vs = l.arm().equals(baseline)
                    ? ""
                    : Double.isNaN(d.low())
                            ? String.format(Locale.ROOT, "%+.2f", d.difference())
                            : String.format(Locale.ROOT, "%+.2f [%+.2f, %+.2f]", d.difference(), d.low(), d.high());
            sb.append(String.format(
                    Locale.ROOT,
                    "%-22s %4d %15s %26s %15s %8.0f%n",
                    l.arm(),
                    l.runs(),
                    meanSd(l.top1(), l.top1Sd()),
                    vs,
                    meanSd(l.top5(), l.top5Sd()),
                    l.seconds()));
        }
        return sb.toString();
    }

    private static String meanSd(double mean, double sd) {
        return Double.isNaN(sd)
                ? String.format(Locale.ROOT, "%.2f", mean)
                : String.format(Locale.ROOT, "%.2f ± %.2f", mean, sd);
    }
}
