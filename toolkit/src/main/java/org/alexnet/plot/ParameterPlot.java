package org.alexnet.plot;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.alexnet.model.ModelSummary;
import tech.tablesaw.plotly.components.Axis;
import tech.tablesaw.plotly.components.Figure;
import tech.tablesaw.plotly.components.Layout;
import tech.tablesaw.plotly.components.Margin;
import tech.tablesaw.plotly.traces.BarTrace;

/** Parameters per layer as a bar chart: only the layers that have parameters, in network order. */
public final class ParameterPlot {

    private ParameterPlot() {}

    /** One bar per layer with parameters, titled with the total. */
    public static Figure of(ModelSummary summary) {
        return of(
                summary, String.format(Locale.ROOT, "Parameters per layer (%,d in all)", summary.getTotalParameters()));
    }

    /** One bar per layer with parameters, with a title of your own. */
    public static Figure of(ModelSummary summary, String title) {
        List<String> names = new ArrayList<>();
        List<Double> counts = new ArrayList<>();
        for (ModelSummary.Row r : summary.getRows()) {
            if (r.getParameters() > 0) {
                names.add(r.getName());
                counts.add((double) r.getParameters());
            }
        }
        return bars(
                title, names, counts.stream().mapToDouble(Double::doubleValue).toArray(), "parameters");
    }

    /** A plain bar chart of {@code values} named {@code names}. */
    public static Figure bars(String title, List<String> names, double[] values, String yTitle) {
        if (names.size() != values.length) {
            throw new IllegalArgumentException(names.size() + " names but " + values.length + " values");
        }
        BarTrace trace = BarTrace.builder(names.toArray(), values).name(yTitle).build();
        Layout layout = Layout.builder()
                .title(title)
                .width(760)
                .height(420)
                .margin(Margin.builder().left(90).right(40).top(60).bottom(60).build())
                .yAxis(Axis.builder().title(yTitle).build())
                .build();
        // Category order as given (plotly would otherwise keep it too, but be explicit); readable numbers.
        return new LayoutExtras(layout, "{xaxis: {type: 'category'}, yaxis: {tickformat: ',d'}}", trace);
    }
}
