package org.alexnet.plot;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import tech.tablesaw.plotly.components.Figure;

/**
 * Turns tablesaw-jsplot {@link Figure}s into HTML that draws without internet access.
 *
 * <p>tablesaw's own pages load plotly.js from a CDN, so nothing draws offline. The build packs
 * plotly.js (npm package {@code plotly.js-dist-min}, see toolkit/pom.xml) into this jar, and
 * {@link #toHtml(Figure)} embeds it in the first figure of a session only: later figures reuse the
 * {@code window.Plotly} it defined, as plotly's own offline notebook mode does. One session is one
 * JVM, i.e. one kernel run; {@link #resetSession()} embeds it again (e.g. after clearing outputs).
 */
public final class Plotly {

    /** Class-path location of the embedded library. */
    public static final String LIBRARY_RESOURCE = "/org/alexnet/plot/plotly.min.js";

    private static final String PROPERTIES_RESOURCE = "/org/alexnet/plot/plotly.properties";
    private static final AtomicBoolean EMBEDDED = new AtomicBoolean();
    private static final AtomicLong FIGURES = new AtomicLong();
    /** Distinguishes this session's div ids from those of earlier kernel runs in the same page. */
    private static final String SESSION =
            Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);

    private static final Pattern SCRIPT_TAG = Pattern.compile("(?is)^\\s*<script[^>]*>(.*)</script>\\s*$");

    /**
     * tablesaw 0.44 writes plotly 1.x layouts ({@code title: 'text'}, {@code titlefont}); plotly.js 3
     * dropped those forms, so titles would silently vanish. It also quotes an axis's autorange
     * ('false') and range (["0", "1"]), which plotly then ignores. This adapts a figure just before it
     * is drawn (harmless for older plotly versions).
     */
    private static final String COMPAT_JS = String.join(
            "\n",
            "function fixTitle(o) {",
            "  if (!o) return;",
            "  if (typeof o.title === 'string') o.title = {text: o.title};",
            "  if (o.titlefont) { o.title = o.title || {}; o.title.font = o.titlefont; delete o.titlefont; }",
            "  if (o.titleside) { o.title = o.title || {}; o.title.side = o.titleside; delete o.titleside; }",
            "}",
            "function fixAxis(a) {",
            "  if (!a) return;",
            "  fixTitle(a);",
            "  if (a.autorange === 'true' || a.autorange === 'false') a.autorange = a.autorange === 'true';",
            "  if (Array.isArray(a.range) && a.range.every(function (v) { return v !== '' && !isNaN(v); }))",
            "    a.range = a.range.map(Number);",
            "}",
            "var Plotly = {newPlot: function (div, data, layout, config) {",
            "  layout = layout || {};",
            "  fixTitle(layout);",
            "  Object.keys(layout).forEach(function (k) { if (/^[xyz]axis\\d*$/.test(k)) fixAxis(layout[k]); });",
            "  if (layout.scene) ['xaxis', 'yaxis', 'zaxis'].forEach(function (k) { fixAxis(layout.scene[k]); });",
            "  (data || []).forEach(function (t) { fixTitle(t.colorbar); if (t.marker) fixTitle(t.marker.colorbar); });",
            "  return window.Plotly.newPlot(div, data, layout, config);",
            "}};");

    private static volatile String library;

    private Plotly() {}

    /** The embedded plotly.js version, e.g. "4.1.2". */
    public static String version() {
        Properties p = new Properties();
        try (InputStream in = open(PROPERTIES_RESOURCE)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version", "unknown");
    }

    /**
     * A {@code <script>} that defines {@code window.Plotly} from the embedded library (about 5 MB),
     * unless the page already has it.
     */
    public static String libraryHtml() {
        // define/module/exports are shadowed so that a page with require.js or CommonJS globals (the
        // classic notebook) still gets a window.Plotly global instead of an AMD module.
        return "<script type=\"text/javascript\">\n"
                + "/* plotly.js " + version() + " (MIT licence), embedded by org.alexnet.plot.Plotly */\n"
                + "if (typeof window.Plotly === 'undefined') {\n"
                + "(function (define, module, exports) {\n"
                + library()
                + "\n}).call(window);\n}\n</script>\n";
    }

    /**
     * {@link #libraryHtml()} the first time it is asked for in this session, the empty string after
     * that.
     */
    public static String libraryOnce() {
        return EMBEDDED.compareAndSet(false, true) ? libraryHtml() : "";
    }

    /** Whether this session has already handed out the library. */
    public static boolean isEmbedded() {
        return EMBEDDED.get();
    }

    /** The next {@link #libraryOnce()} (and so the next figure) embeds the library again. */
    public static void resetSession() {
        EMBEDDED.set(false);
    }

    /** The figure for a notebook output: the library if this session has not sent it yet, then the figure. */
    public static String toHtml(Figure figure) {
        return libraryOnce() + figureHtml(figure);
    }

    /**
     * A {@code <div>} and the script that draws the figure into it with an already loaded
     * {@code window.Plotly}; when the library is missing the div says so instead of staying blank.
     */
    public static String figureHtml(Figure figure) {
        String id = "alexnet_plot_" + SESSION + "_" + FIGURES.incrementAndGet();
        String script = figure.asJavascript(id);
        var m = SCRIPT_TAG.matcher(script);
        String body = m.matches() ? m.group(1) : script;
        return "<div id=\"" + id + "\" class=\"alexnet-plot\"></div>\n"
                + "<script type=\"text/javascript\">\n(function () {\n"
                + "if (typeof window.Plotly === 'undefined') {\n"
                + "  document.getElementById('" + id + "').textContent = 'plotly.js is not loaded in this page: "
                + "run the notebook from the top (the first figure of a kernel session carries the library).';\n"
                + "  return;\n}\n"
                + COMPAT_JS + "\n"
                + body.trim() + "\n})();\n</script>\n";
    }

    /** A self-contained HTML page (library included) that draws the figure offline in any browser. */
    public static String toPage(Figure figure, String title) {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"UTF-8\">\n<title>"
                + escapeHtml(title) + "</title>\n" + libraryHtml() + "</head>\n<body>\n" + figureHtml(figure)
                + "</body>\n</html>\n";
    }

    /** Writes {@link #toPage(Figure, String)} to {@code file}. */
    public static void writePage(Figure figure, String title, Path file) throws IOException {
        Files.writeString(file, toPage(figure, title), StandardCharsets.UTF_8);
    }

    /** The library's source, made safe for an inline script element. */
    static String library() {
        String lib = library;
        if (lib == null) {
            try (InputStream in = open(LIBRARY_RESOURCE)) {
                lib = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            // An HTML parser ends a script at "</script" and treats "<!--" specially, even inside JS
            // strings; both only occur inside string literals, where these escapes mean the same.
            lib = lib.replaceAll("(?i)</script", "<\\\\/script").replace("<!--", "\\x3C!--");
            library = lib;
        }
        return lib;
    }

    private static InputStream open(String resource) throws IOException {
        InputStream in = Plotly.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IOException(resource + " is not on the class path: build the toolkit with Maven (it packs "
                    + "plotly.js from the npm registry into the jar)");
        }
        return in;
    }

    static String escapeHtml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
