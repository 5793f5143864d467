package org.alexnet.plot;

import java.util.List;
import org.alexnet.train.EpochRecord;
import org.alexnet.train.History;
import tech.tablesaw.plotly.components.Axis;
import tech.tablesaw.plotly.components.Figure;
import tech.tablesaw.plotly.components.Layout;
import tech.tablesaw.plotly.components.Margin;
import tech.tablesaw.plotly.traces.ScatterTrace;

/**
 * Training curves of a run: the training loss (left axis) and the training and test accuracy (right
 * axis, 0 to 1) per epoch, as a tablesaw-jsplot figure; show it with {@code Display.plot} or
 * {@link Plotly#toHtml}.
 */
public final class TrainingCurves {

    private TrainingCurves() {}

    /** The curves of every epoch recorded so far. */
    public static Figure of(History history) {
        return of(history.records(), "Training curves");
    }

    /** The curves of {@code records}, titled {@code title}. */
    public static Figure of(List<EpochRecord> records, String title) {
        int n = records.size();
        double[] epoch = new double[n];
        double[] loss = new double[n];
        double[] trainAcc = new double[n];
        double[] testAcc = new double[n];
        for (int i = 0; i < n; i++) {
            EpochRecord r = records.get(i);
            epoch[i] = r.epoch();
            loss[i] = r.trainLoss();
            trainAcc[i] = r.trainAccuracy();
            testAcc[i] = r.validationAccuracy();
        }
        // Markers as well as lines: after the first epoch a curve is a single point.
        ScatterTrace lossTrace = ScatterTrace.builder(epoch, loss)
                .mode(ScatterTrace.Mode.LINE_AND_MARKERS)
                .name("train loss")
                .build();
        ScatterTrace trainTrace = ScatterTrace.builder(epoch, trainAcc)
                .mode(ScatterTrace.Mode.LINE_AND_MARKERS)
                .name("train accuracy")
                .yAxis(ScatterTrace.YAxis.Y2)
                .build();
        ScatterTrace testTrace = ScatterTrace.builder(epoch, testAcc)
                .mode(ScatterTrace.Mode.LINE_AND_MARKERS)
                .name("test accuracy")
                .yAxis(ScatterTrace.YAxis.Y2)
                .build();
        Layout layout = Layout.builder()
                .title(title)
                .width(760)
                .height(420)
                .margin(Margin.builder().left(70).right(70).top(60).bottom(100).build())
                .xAxis(Axis.builder().title("epoch").build())
                .yAxis(Axis.builder().title("loss").build())
                .yAxis2(Axis.builder()
                        .title("accuracy")
                        .overlaying(ScatterTrace.YAxis.Y)
                        .side(Axis.Side.right)
                        .showGrid(false)
                        .build())
                .build();
        // Loss from 0; accuracy on its full 0..1 scale with its own ticks (plotly 4 would align them to the
        // loss grid); whole epochs while there are few; the legend under the plot, clear of the right axis.
        String extras = "{yaxis: {rangemode: 'tozero'},"
                + " yaxis2: {range: [0, 1], autorange: false, tickmode: 'linear', tick0: 0, dtick: 0.2},"
                + (n <= 10 ? " xaxis: {dtick: 1}," : "")
                + " legend: {orientation: 'h', x: 0, y: -0.3}}";
        return new LayoutExtras(layout, extras, lossTrace, trainTrace, testTrace);
    }
}
