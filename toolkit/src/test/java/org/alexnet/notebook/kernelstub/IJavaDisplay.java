package org.alexnet.notebook.kernelstub;

import java.util.ArrayList;
import java.util.List;

/**
 * Stands in for IJava's runtime Display with the rendering rules of its renderer (read from
 * jupyter-jvm-basekernel's Renderer.renderAs): text/plain is always requested next to the asked
 * types; a DisplayDataRenderable fills the bundle itself; a CharSequence is put under every requested
 * type, text/plain included; anything else without a render function (a BufferedImage here, whose PNG
 * function is left out) gets only the fallback; last, text/plain = String.valueOf(value) if missing.
 */
public final class IJavaDisplay {
    public static final List<DisplayData> SENT = new ArrayList<>();

    private IJavaDisplay() {}

    static DisplayData renderAs(Object value, String... types) {
        DisplayData out = new DisplayData();
        List<String> requested = new ArrayList<>(List.of("text/plain"));
        requested.addAll(List.of(types));
        if (value instanceof DisplayDataRenderable r) {
            r.render(new RenderContext(out));
        } else if (value instanceof CharSequence text) {
            for (String type : requested) {
                out.putData(type, text);
            }
        }
        if (!out.data.containsKey("text/plain")) {
            out.putData("text/plain", String.valueOf(value));
        }
        return out;
    }

    public static String display(Object o, String... as) {
        SENT.add(renderAs(o, as));
        return "ijava-" + SENT.size();
    }

    public static void updateDisplay(String id, Object o, String... as) {
        SENT.add(renderAs(o, as));
    }
}
