package org.alexnet.plot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.alexnet.train.EpochRecord;
import org.alexnet.train.History;
import tech.tablesaw.plotly.components.Axis;
import tech.tablesaw.plotly.components.Figure;
import tech.tablesaw.plotly.components.Layout;
import tech.tablesaw.plotly.components.Line;
import tech.tablesaw.plotly.components.Margin;
import tech.tablesaw.plotly.traces.ScatterTrace;

/**
 * Several runs in one figure: e.g. LeNet against AlexNet, or ReLU against tanh. Each run gets one
 * colour; its training curve is dashed, its test curve solid.
 */
public final class CurveComparison {

    /** Plotly's default colours, so each run keeps its colour across its curves. */
    static final String[] COLOURS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"};

    /** One named curve; {@code dashed} draws it dashed. */
    public record Series(String name, double[] x, double[] y, boolean dashed, int colour) {
        public Series {
            if (x.length != y.length) {
                throw new IllegalArgumentException(name + ": " + x.length + " x values but " + y.length + " y values");
            }
        }

        /** A solid curve in the colour of the order it is added in. */
        public Series(String name, double[] x, double[] y) {
            this(name, x, y, false, -1);
        }
    }

    private CurveComparison() {}

    /**
     * Training accuracy (dashed) and test accuracy (solid) per epoch of each run, accuracy on 0..1.
     *
     * @param runs run name to history, in the order to draw (use a LinkedHashMap)
     */
    public static Figure accuracy(Map<String, History> runs, String title) {
        List<Series> series = new ArrayList<>();
        int colour = 0;
        for (Map.Entry<String, History> run : runs.entrySet()) {
            List<EpochRecord> r = run.getValue().records();
            double[] epoch = r.stream().mapToDouble(EpochRecord::epoch).toArray();
            series.add(new Series(
                    run.getKey() + " train",
                    epoch,
                    r.stream().mapToDouble(EpochRecord::trainAccuracy).toArray(),
                    true,
                    colour));
            series.add(new Series(
                    run.getKey() + " test",
                    epoch,
                    r.stream().mapToDouble(EpochRecord::validationAccuracy).toArray(),
                    false,
                    colour));
            colour++;
        }
        return lines(title, "epoch", "accuracy", series, 0, 1);
    }

    /** Training loss per epoch of each run. */
    public static Figure loss(Map<String, History> runs, String title) {
        List<Series> series = new ArrayList<>();
        for (Map.Entry<String, History> run : runs.entrySet()) {
            List<EpochRecord> r = run.getValue().records();
            series.add(new Series(
                    run.getKey(),
                    r.stream().mapToDouble(EpochRecord::epoch).toArray(),
                    r.stream().mapToDouble(EpochRecord::trainLoss).toArray()));
        }
        return lines(title, "epoch", "training loss", series, Double.NaN, Double.NaN);
    }

    /** Any curves in one figure; {@code yMin}/{@code yMax} fix the y range (NaN: automatic). */
    public static Figure lines(
            String title, String xTitle, String yTitle, List<Series> series, double yMin, double yMax) {
        ScatterTrace[] traces = new ScatterTrace[series.size()];
        int next = 0;
        int maxPoints = 0;
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            int c = s.colour() >= 0 ? s.colour() : next;
            next = Math.max(next, c + 1);
            maxPoints = Math.max(maxPoints, s.x().length);
            traces[i] = ScatterTrace.builder(s.x(), s.y())
                    // Markers only while curves are short: a one-epoch line is a single point.
                    .mode(s.x().length <= 30 ? ScatterTrace.Mode.LINE_AND_MARKERS : ScatterTrace.Mode.LINE)
                    .line(Line.builder()
                            .color(COLOURS[c % COLOURS.length])
                            .dash(s.dashed() ? Line.Dash.DASH : Line.Dash.SOLID)
                            .width(2)
                            .build())
                    .name(s.name())
                    .build();
        }
        Layout layout = Layout.builder()
                .title(title)
                .width(760)
                .height(440)
                .margin(Margin.builder().left(70).right(40).top(60).bottom(110).build())
                .xAxis(Axis.builder().title(xTitle).build())
                .yAxis(Axis.builder().title(yTitle).build())
                .build();
        String range = Double.isNaN(yMin) || Double.isNaN(yMax)
                ? ""
                : " yaxis: {range: [" + yMin + ", " + yMax + "], autorange: false},";
        boolean wholeX = series.stream().allMatch(s -> Arrays.stream(s.x()).allMatch(v -> v == Math.rint(v)));
        String ticks = wholeX && maxPoints <= 12 ? " xaxis: {dtick: 1}," : "";
        String extras = "{" + range + ticks + " legend: {orientation: 'h', x: 0, y: -0.25}}";
        return new LayoutExtras(layout, extras, traces);
    }
}
