package org.alexnet.plot;

import java.util.Map;
import tech.tablesaw.plotly.components.Figure;
import tech.tablesaw.plotly.components.Layout;
import tech.tablesaw.plotly.traces.Trace;

/**
 * A tablesaw figure plus plotly layout attributes that tablesaw 0.44 cannot write (legend position,
 * an axis's rangemode) or writes wrongly (a numeric axis range): they are merged into the layout
 * just before it is drawn.
 */
final class LayoutExtras extends Figure {

    private final String extrasJson;

    /** @param extrasJson a JavaScript object literal merged (deeply) into the figure's layout */
    LayoutExtras(Layout layout, String extrasJson, Trace... traces) {
        super(layout, traces);
        this.extrasJson = extrasJson;
    }

    /** Appends the merge to the figure's script part that the template does not HTML-escape. */
    @Override
    protected void buildContext(String divName) {
        super.buildContext(divName);
        Map<String, Object> context = getContext();
        context.put(
                "figure",
                context.get("figure") + "\n(function merge(a, b) { Object.keys(b).forEach(function (k) {"
                        + " if (b[k] && typeof b[k] === 'object' && !Array.isArray(b[k]) && a[k] && typeof a[k] === 'object')"
                        + " merge(a[k], b[k]); else a[k] = b[k]; }); })(layout, " + extrasJson + ");\n");
    }
}
