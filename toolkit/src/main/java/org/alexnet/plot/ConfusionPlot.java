package org.alexnet.plot;

import java.util.List;
import org.alexnet.eval.Evaluation;
import tech.tablesaw.plotly.components.Axis;
import tech.tablesaw.plotly.components.Figure;
import tech.tablesaw.plotly.components.Layout;
import tech.tablesaw.plotly.components.Margin;
import tech.tablesaw.plotly.traces.HeatmapTrace;

/** A confusion matrix as a heatmap: true classes top to bottom, predicted classes left to right. */
public final class ConfusionPlot {

    private ConfusionPlot() {}

    /** The row-normalised confusion matrix of {@code evaluation} (each row is a class's recall split). */
    public static Figure of(Evaluation evaluation, List<String> classNames) {
        return heatmap(evaluation.getConfusion(), classNames, true);
    }

    /**
     * @param confusion counts, {@code confusion[true][predicted]} (as from {@link Evaluation#getConfusion()})
     * @param classNames one name per class
     * @param normalise divide each row by its total, so cells are fractions of that true class
     */
    public static Figure heatmap(long[][] confusion, List<String> classNames, boolean normalise) {
        int k = confusion.length;
        if (classNames.size() != k) {
            throw new IllegalArgumentException(k + " classes in the matrix but " + classNames.size() + " names");
        }
        double[][] z = new double[k][k];
        for (int i = 0; i < k; i++) {
            if (confusion[i].length != k) {
                throw new IllegalArgumentException("the confusion matrix is not square: row " + i);
            }
            long total = 0;
            for (long v : confusion[i]) {
                total += v;
            }
            for (int j = 0; j < k; j++) {
                z[i][j] = normalise ? (total == 0 ? 0 : (double) confusion[i][j] / total) : confusion[i][j];
            }
        }
        Object[] names = classNames.toArray();
        HeatmapTrace trace = HeatmapTrace.builder(names, names, z).build();
        Layout layout = Layout.builder()
                .title(normalise ? "Confusion matrix (fraction of each true class)" : "Confusion matrix (counts)")
                .width(680)
                .height(600)
                .margin(Margin.builder().left(110).right(40).top(80).bottom(110).build())
                .xAxis(Axis.builder().title("predicted class").build())
                // Row 0 at the top, as the matrix is printed.
                .yAxis(Axis.builder()
                        .title("true class")
                        .autoRange(Axis.AutoRange.REVERSED)
                        .build())
                .build();
        return new Figure(layout, trace);
    }
}
