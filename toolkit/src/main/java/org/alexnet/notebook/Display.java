package org.alexnet.notebook;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.alexnet.plot.Plotly;
import tech.tablesaw.plotly.components.Figure;
import tech.tablesaw.plotly.traces.Trace;

/**
 * Shows HTML, pictures and plots in a notebook, on IJava (Binder) and on rapaio-jupyter-kernel alike,
 * and as text on the console anywhere else (plain JVM, tests).
 *
 * <p>The two kernels have the same functions with the arguments in a different order (IJava:
 * {@code display(obj, "text/html")}, rapaio: {@code display("text/html", obj)}), and neither is
 * visible to compiled code, so the kernel's class is found by reflection once. {@code html}, {@code
 * image} and {@code plot} return nothing (a returned value would be shown as the cell's result);
 * {@code output(...)} returns an {@link Output} whose methods replace it in place.
 *
 * <p>Every output also has a short text form (a figure's title and traces, a picture's size, a
 * table's text): a console prints it, and IJava gets it as the output's {@code text/plain}. IJava
 * adds a {@code text/plain} copy to every output, by default the value's {@code toString()}: the
 * whole HTML of a figure with plotly.js (5 MB) or {@code BufferedImage@...}, saved in the notebook
 * next to the real output. So values go to IJava wrapped in its {@code DisplayDataRenderable} hook,
 * which fills in both forms itself (see {@link ReflectiveSink}).
 *
 * <pre>{@code
 * Display.image(ImageGrid.fashionMnist(data, 16, 8));
 * Display.plot(TrainingCurves.of(history));
 * Display.Output status = Display.output("<b>starting</b>");
 * status.html("<b>done</b>");
 * }</pre>
 */
public final class Display {

    /** Which display the calls reach. */
    public enum Kernel {
        IJAVA,
        RAPAIO,
        /** No kernel: text on standard output. */
        NONE
    }

    static final String IJAVA_CLASS = "io.github.spencerpark.ijava.runtime.Display";
    static final String RAPAIO_CLASS = "org.rapaio.jupyter.kernel.global.Global";

    private static volatile Sink sink;
    /** The display that carries plotly.js, so that updating it keeps the library in the notebook. */
    private static volatile String libraryCarrier;

    private Display() {}

    /** The kernel this JVM runs in, as far as displaying goes. */
    public static Kernel kernel() {
        return sink().kernel();
    }

    /** Shows an HTML fragment; outside a kernel prints it with the tags removed. */
    public static void html(String html) {
        output(html);
    }

    /** Shows an HTML fragment; outside a kernel prints {@code text} instead. */
    public static void html(String html, String text) {
        output(html, text);
    }

    /** Shows a picture as PNG. */
    public static void image(BufferedImage image) {
        output(image);
    }

    /**
     * Shows a tablesaw-jsplot figure; the first figure of the session also carries plotly.js (see
     * {@link Plotly}), which needs no internet.
     */
    public static void plot(Figure figure) {
        output(figure);
    }

    /** Shows an HTML fragment and returns its output, to be replaced later. */
    public static Output output(String html) {
        return output(html, toText(html));
    }

    /** Shows an HTML fragment ({@code text} on a console) and returns its output, to be replaced later. */
    public static Output output(String html, String text) {
        return new Output(sink().show("text/html", html, text));
    }

    /** Shows a picture and returns its output, to be replaced later. */
    public static Output output(BufferedImage image) {
        return new Output(sink().show("image/png", image, imageText(image)));
    }

    /** Shows a figure and returns its output, to be replaced later (redrawn in place). */
    public static Output output(Figure figure) {
        String library = Plotly.libraryOnce();
        Output out = new Output(sink().show("text/html", library + Plotly.figureHtml(figure), plotText(figure)));
        if (!library.isEmpty()) {
            libraryCarrier = out.id();
        }
        return out;
    }

    /**
     * Sends plotly.js as an output of its own unless this session has sent it: call it before showing
     * figures that will be updated in place (their updates then stay small).
     */
    public static void preparePlots() {
        String library = Plotly.libraryOnce();
        if (!library.isEmpty()) {
            sink().show("text/html", library, ""); // nothing to print on a console
        }
    }

    /**
     * One output of a cell, replaced in place by each call (on a console: printed again). Keep it in a
     * variable; as a cell's last expression its toString would be shown.
     */
    public static final class Output {
        private final String id;

        private Output(String id) {
            this.id = id;
        }

        /** The kernel's display id. */
        public String id() {
            return id;
        }

        public void html(String html) {
            html(html, toText(html));
        }

        public void html(String html, String text) {
            sink().update(id, "text/html", html, text);
        }

        public void image(BufferedImage image) {
            sink().update(id, "image/png", image, imageText(image));
        }

        public void plot(Figure figure) {
            // Replacing the output that carried the library would drop it from the saved notebook.
            String library = id.equals(libraryCarrier) ? Plotly.libraryHtml() : "";
            sink().update(id, "text/html", library + Plotly.figureHtml(figure), plotText(figure));
        }

        @Override
        public String toString() {
            return "display " + id;
        }
    }

    // ---- the kernel ------------------------------------------------------------------------------

    /** What a kernel offers: show a value as a mime type, replace a shown value. */
    interface Sink {
        Kernel kernel();

        /** Shows {@code value} as {@code mime}; {@code text} is what a console prints. Returns a display id. */
        String show(String mime, Object value, String text);

        void update(String id, String mime, Object value, String text);
    }

    static Sink sink() {
        Sink s = sink;
        if (s == null) {
            synchronized (Display.class) {
                s = sink;
                if (s == null) {
                    s = detect(Display::findClass, System.out);
                    sink = s;
                }
            }
        }
        return s;
    }

    /** Replaces the detected sink (tests); null detects again on next use. */
    static void useSink(Sink s) {
        sink = s;
        libraryCarrier = null;
    }

    /** The first kernel whose display class {@code lookup} finds (null when absent), else text. */
    static Sink detect(Function<String, Class<?>> lookup, PrintStream out) {
        Sink text = new TextSink(out);
        Class<?> ijava = lookup.apply(IJAVA_CLASS);
        if (ijava != null) {
            try {
                return ReflectiveSink.ijava(ijava, text);
            } catch (NoSuchMethodException e) {
                warn(out, IJAVA_CLASS + " has no display(Object, String...): " + e.getMessage());
            }
        }
        Class<?> rapaio = lookup.apply(RAPAIO_CLASS);
        if (rapaio != null) {
            try {
                return ReflectiveSink.rapaio(rapaio, text);
            } catch (NoSuchMethodException e) {
                warn(out, RAPAIO_CLASS + " has no display(String, Object): " + e.getMessage());
            }
        }
        return text;
    }

    /** Looks in the loader of this class (the kernel adds %jars to a child of its own), then the thread's. */
    private static Class<?> findClass(String name) {
        for (ClassLoader loader : new ClassLoader[] {
            Display.class.getClassLoader(), Thread.currentThread().getContextClassLoader()
        }) {
            if (loader == null) {
                continue;
            }
            try {
                return Class.forName(name, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                // not this kernel
            }
        }
        return null;
    }

    private static void warn(PrintStream out, String message) {
        out.println("[display] " + message + "; showing text instead");
    }

    /** A kernel's static display functions called by reflection; falls back to text when a call fails. */
    static final class ReflectiveSink implements Sink {
        private final Kernel kernel;
        private final Method display;
        private final Method update;
        private final boolean mimeFirst;
        /** IJava: wraps a value so that it renders its own mime bundle; null: values go as they are. */
        private final Bundles bundles;

        private final Sink fallback;
        private volatile boolean warned;

        private ReflectiveSink(
                Kernel kernel, Method display, Method update, boolean mimeFirst, Bundles bundles, Sink fallback) {
            this.kernel = kernel;
            this.display = display;
            this.update = update;
            this.mimeFirst = mimeFirst;
            this.bundles = bundles;
            this.fallback = fallback;
        }

        /** IJava: {@code String display(Object, String...)}, {@code updateDisplay(String, Object, String...)}. */
        static ReflectiveSink ijava(Class<?> c, Sink fallback) throws NoSuchMethodException {
            return ijava(c, Bundles.BASEKERNEL_PACKAGE, fallback);
        }

        /** IJava with its rendering classes in {@code renderPackage} (tests use stand-ins). */
        static ReflectiveSink ijava(Class<?> c, String renderPackage, Sink fallback) throws NoSuchMethodException {
            return new ReflectiveSink(
                    Kernel.IJAVA,
                    c.getMethod("display", Object.class, String[].class),
                    c.getMethod("updateDisplay", String.class, Object.class, String[].class),
                    false,
                    Bundles.find(c.getClassLoader(), renderPackage),
                    fallback);
        }

        /** rapaio: {@code String display(String, Object)}, {@code updateDisplay(String, String, Object)}. */
        static ReflectiveSink rapaio(Class<?> c, Sink fallback) throws NoSuchMethodException {
            return new ReflectiveSink(
                    Kernel.RAPAIO,
                    c.getMethod("display", String.class, Object.class),
                    c.getMethod("updateDisplay", String.class, String.class, Object.class),
                    true,
                    null,
                    fallback);
        }

        /** What the kernel is handed: the value, or for IJava the value with its text form. */
        private Object payload(String mime, Object value, String text) {
            return bundles == null ? value : bundles.wrap(mime, value, plainText(mime, value, text));
        }

        @Override
        public Kernel kernel() {
            return kernel;
        }

        @Override
        public String show(String mime, Object value, String text) {
            try {
                Object id = mimeFirst
                        ? display.invoke(null, mime, value)
                        : display.invoke(null, payload(mime, value, text), new String[] {mime});
                return String.valueOf(id);
            } catch (ReflectiveOperationException | RuntimeException e) {
                failed(e);
                return fallback.show(mime, value, text);
            }
        }

        @Override
        public void update(String id, String mime, Object value, String text) {
            try {
                if (mimeFirst) {
                    update.invoke(null, id, mime, value);
                } else {
                    update.invoke(null, id, payload(mime, value, text), new String[] {mime});
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                failed(e);
                fallback.update(id, mime, value, text);
            }
        }

        /** E.g. the kernel's classes are on the class path but no kernel runs: say so once. */
        private void failed(Exception e) {
            if (!warned) {
                warned = true;
                Throwable cause = e instanceof InvocationTargetException && e.getCause() != null ? e.getCause() : e;
                System.err.println("[display] " + kernel + " display failed (" + cause + "); showing text instead");
            }
        }
    }

    /**
     * IJava's way for a value to render itself (jupyter-jvm-basekernel, which IJava's renderer is
     * built on): an object implementing {@code DisplayDataRenderable} is asked to fill the output's
     * mime bundle, and the renderer adds {@code String.valueOf(value)} as {@code text/plain} only when
     * the bundle has none. The interface lives in the kernel's class loader, so the wrapper is a
     * {@link Proxy} of it that puts the rich form and the short text into the bundle.
     */
    static final class Bundles {
        static final String BASEKERNEL_PACKAGE = "io.github.spencerpark.jupyter.kernel.display";

        private final Class<?> renderable;
        private final Object anyType;
        private final Method outputContainer;
        private final Method putData;

        private Bundles(Class<?> renderable, Object anyType, Method outputContainer, Method putData) {
            this.renderable = renderable;
            this.anyType = anyType;
            this.outputContainer = outputContainer;
            this.putData = putData;
        }

        /** The hook in {@code loader}, or null when this IJava has none (values then go as they are). */
        static Bundles find(ClassLoader loader, String pkg) {
            try {
                Class<?> renderable = Class.forName(pkg + ".DisplayDataRenderable", false, loader);
                Class<?> context = Class.forName(pkg + ".RenderContext", false, loader);
                Class<?> data = Class.forName(pkg + ".DisplayData", false, loader);
                return new Bundles(
                        renderable,
                        renderable.getField("ANY").get(null),
                        context.getMethod("getOutputContainer"),
                        data.getMethod("putData", String.class, Object.class));
            } catch (ReflectiveOperationException | LinkageError e) {
                return null;
            }
        }

        /** {@code value} as {@code mime} (a picture as base64 PNG, as IJava sends it) plus {@code text}. */
        Object wrap(String mime, Object value, String text) {
            Object rich = value instanceof BufferedImage image ? base64Png(image) : value;
            return Proxy.newProxyInstance(
                    renderable.getClassLoader(),
                    new Class<?>[] {renderable},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "render" -> {
                            Object bundle = outputContainer.invoke(args[0]);
                            putData.invoke(bundle, mime, rich);
                            putData.invoke(bundle, "text/plain", text);
                            yield null;
                        }
                        case "getSupportedRenderTypes", "getPreferredRenderTypes" -> anyType;
                        case "toString" -> text;
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }

        private static String base64Png(BufferedImage image) {
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            try {
                ImageIO.write(image, "png", png);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Base64.getEncoder().encodeToString(png.toByteArray());
        }
    }

    /** No kernel: print the text form. */
    static final class TextSink implements Sink {
        private final PrintStream out;
        private final AtomicLong ids = new AtomicLong();

        TextSink(PrintStream out) {
            this.out = out;
        }

        @Override
        public Kernel kernel() {
            return Kernel.NONE;
        }

        @Override
        public String show(String mime, Object value, String text) {
            print(text);
            return "text-" + ids.incrementAndGet();
        }

        @Override
        public void update(String id, String mime, Object value, String text) {
            print(text);
        }

        private void print(String text) {
            if (text != null && !text.isEmpty()) {
                out.println(text);
            }
        }
    }

    // ---- text forms --------------------------------------------------------------------------------

    /** A rough text form of HTML: no scripts or styles, no tags, rows on lines. */
    static String toText(String html) {
        String s = html.replaceAll("(?is)<(script|style)[^>]*>.*?</\\1>", "")
                .replaceAll("(?i)<br\\s*/?>|</(tr|p|div|li|h[1-6])>", "\n")
                .replaceAll("(?i)</t[dh]>", " ")
                .replaceAll("(?s)<[^>]*>", "")
                .replace("&nbsp;", " ")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&");
        return s.replaceAll("[ \\t]+\\n", "\n").replaceAll("\\n{2,}", "\n").strip();
    }

    /** The longest text form a kernel is handed (a long table's text is cut, with a note). */
    static final int MAX_TEXT = 2_000;

    /**
     * The {@code text/plain} form of an output: {@code text}, or when that is empty (nothing to print
     * on a console) the HTML's text, cut to {@link #MAX_TEXT} characters.
     */
    static String plainText(String mime, Object value, String text) {
        String t = text == null ? "" : text;
        if (t.isEmpty() && value instanceof String html && mime.equals("text/html")) {
            t = toText(html);
        }
        if (t.length() > MAX_TEXT) {
            int cut = MAX_TEXT - 40;
            t = t.substring(0, cut) + String.format(Locale.ROOT, "... (%,d more characters)", t.length() - cut);
        }
        return t;
    }

    /** "[image 640x480]" */
    static String imageText(BufferedImage image) {
        return "[image " + image.getWidth() + "x" + image.getHeight() + "]";
    }

    /** "[figure: Training curves; 3 traces: train loss, train accuracy, test accuracy]" */
    static String plotText(Figure figure) {
        String title = figure.getLayout() == null ? null : figure.getLayout().getTitle();
        Trace[] traces = figure.getTraces() == null ? new Trace[0] : figure.getTraces();
        String names = Arrays.stream(traces)
                .map(Trace::name)
                .filter(n -> n != null && !n.isBlank())
                .limit(8)
                .collect(Collectors.joining(", "));
        return "[figure" + (title == null || title.isEmpty() ? "" : ": " + title) + "; " + traces.length
                + (traces.length == 1 ? " trace" : " traces") + (names.isEmpty() ? "" : ": " + names)
                + (traces.length > 8 ? ", ..." : "") + "]";
    }
}
