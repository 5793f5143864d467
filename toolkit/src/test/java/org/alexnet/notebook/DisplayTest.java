package org.alexnet.notebook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.alexnet.notebook.kernelstub.DisplayData;
import org.alexnet.notebook.kernelstub.IJavaDisplay;
import org.alexnet.plot.Plotly;
import org.alexnet.plot.TrainingCurves;
import org.alexnet.train.EpochRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tech.tablesaw.plotly.components.Figure;
import tech.tablesaw.plotly.traces.ScatterTrace;

class DisplayTest {

    /** Stands in for io.github.spencerpark.ijava.runtime.Display: mime types last. */
    public static final class FakeIJava {
        static final List<Object[]> CALLS = new ArrayList<>();

        public static String display(Object o, String... as) {
            CALLS.add(new Object[] {"display", o, as});
            return "ijava-" + CALLS.size();
        }

        public static void updateDisplay(String id, Object o, String... as) {
            CALLS.add(new Object[] {"update", id, o, as});
        }
    }

    /** Stands in for org.rapaio.jupyter.kernel.global.Global: mime type first. */
    public static final class FakeRapaio {
        static final List<Object[]> CALLS = new ArrayList<>();

        public static String display(String mime, Object o) {
            CALLS.add(new Object[] {"display", mime, o});
            return "rapaio-" + CALLS.size();
        }

        public static void updateDisplay(String id, String mime, Object o) {
            CALLS.add(new Object[] {"update", id, mime, o});
        }
    }

    /** Has the class name of a kernel but is not running: every call fails, as IJava's does then. */
    public static final class FakeStoppedIJava {
        public static String display(Object o, String... as) {
            throw new RuntimeException("No IJava kernel running");
        }

        public static void updateDisplay(String id, Object o, String... as) {
            throw new RuntimeException("No IJava kernel running");
        }
    }

    /** A class with the right name and the wrong functions. */
    public static final class Unrelated {}

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    @BeforeEach
    void clear() {
        FakeIJava.CALLS.clear();
        FakeRapaio.CALLS.clear();
        IJavaDisplay.SENT.clear();
        Plotly.resetSession();
    }

    /** The IJava sink with the stand-in renderer, as Display would set it up inside IJava. */
    private Display.Sink ijavaWithRenderer() throws NoSuchMethodException {
        Display.Sink sink = Display.ReflectiveSink.ijava(
                IJavaDisplay.class, DisplayData.class.getPackageName(), new Display.TextSink(out));
        Display.useSink(sink);
        return sink;
    }

    private static String plain(int i) {
        return (String) IJavaDisplay.SENT.get(i).data.get("text/plain");
    }

    private static List<EpochRecord> twoEpochs() {
        return List.of(
                new EpochRecord(1, 1, 2.1, 0.3, 0.4, 10, 0.01, 1), new EpochRecord(2, 1, 1.2, 0.6, 0.6, 10, 0.01, 1));
    }

    @AfterEach
    void restore() {
        Display.useSink(null);
        Plotly.resetSession();
    }

    private String printed() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aPlainJvmHasNoKernelAndPrintsText() {
        // The real lookup: neither kernel is on the test class path.
        assertEquals(Display.Kernel.NONE, Display.kernel());
        Display.Sink sink = Display.detect(name -> null, out);
        assertEquals(Display.Kernel.NONE, sink.kernel());
        String id = sink.show("text/html", "<b>x</b>", "x as text");
        sink.update(id, "text/html", "<b>y</b>", "y as text");
        assertEquals("x as text\ny as text\n", printed().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void ijavaGetsTheMimeTypeLast() {
        Display.Sink sink = Display.detect(Map.<String, Class<?>>of(Display.IJAVA_CLASS, FakeIJava.class)::get, out);
        assertEquals(Display.Kernel.IJAVA, sink.kernel());
        String id = sink.show("text/html", "<b>x</b>", "x");
        assertEquals("ijava-1", id);
        sink.update(id, "text/html", "<b>y</b>", "y");
        assertEquals("display", FakeIJava.CALLS.get(0)[0]);
        assertEquals("<b>x</b>", FakeIJava.CALLS.get(0)[1]);
        assertArrayEquals(new String[] {"text/html"}, (String[]) FakeIJava.CALLS.get(0)[2]);
        assertEquals("update", FakeIJava.CALLS.get(1)[0]);
        assertEquals("ijava-1", FakeIJava.CALLS.get(1)[1]);
        assertEquals("<b>y</b>", FakeIJava.CALLS.get(1)[2]);
        assertArrayEquals(new String[] {"text/html"}, (String[]) FakeIJava.CALLS.get(1)[3]);
        assertEquals("", printed());
    }

    @Test
    void rapaioGetsTheMimeTypeFirst() {
        Display.Sink sink = Display.detect(Map.<String, Class<?>>of(Display.RAPAIO_CLASS, FakeRapaio.class)::get, out);
        assertEquals(Display.Kernel.RAPAIO, sink.kernel());
        BufferedImage image = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        String id = sink.show("image/png", image, "[image]");
        sink.update(id, "image/png", image, "[image]");
        assertArrayEquals(new Object[] {"display", "image/png", image}, FakeRapaio.CALLS.get(0));
        assertArrayEquals(new Object[] {"update", "rapaio-1", "image/png", image}, FakeRapaio.CALLS.get(1));
    }

    @Test
    void ijavaComesFirstAndBrokenCandidatesAreSkipped() {
        Display.Sink both = Display.detect(
                Map.<String, Class<?>>of(Display.IJAVA_CLASS, FakeIJava.class, Display.RAPAIO_CLASS, FakeRapaio.class)
                        ::get,
                out);
        assertEquals(Display.Kernel.IJAVA, both.kernel());
        Display.Sink wrongIJava = Display.detect(
                Map.<String, Class<?>>of(Display.IJAVA_CLASS, Unrelated.class, Display.RAPAIO_CLASS, FakeRapaio.class)
                        ::get,
                out);
        assertEquals(Display.Kernel.RAPAIO, wrongIJava.kernel());
        assertTrue(printed().contains("has no display"), printed());
    }

    @Test
    void aKernelThatFailsFallsBackToText() {
        Display.Sink sink =
                Display.detect(Map.<String, Class<?>>of(Display.IJAVA_CLASS, FakeStoppedIJava.class)::get, out);
        assertEquals(Display.Kernel.IJAVA, sink.kernel());
        String id = sink.show("text/html", "<b>x</b>", "x as text");
        sink.update(id, "text/html", "<b>y</b>", "y as text");
        assertTrue(printed().contains("x as text"));
        assertTrue(printed().contains("y as text"));
    }

    @Test
    void htmlBecomesReadableText() {
        assertEquals(
                "a b\nc d",
                Display.toText("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>"));
        assertEquals("1 < 2 & done", Display.toText("<script>var x = 1;</script><p>1 &lt; 2 &amp; done</p>"));
    }

    @Test
    void theFirstPlotCarriesTheLibraryAndKeepsItWhenUpdated() {
        RecordingSink sink = new RecordingSink(Display.Kernel.RAPAIO);
        Display.useSink(sink);
        Figure f = TrainingCurves.of(List.of(new EpochRecord(1, 1, 0.5, 0.5, Double.NaN, 10, 0.01, 1)), "t");
        String marker = "plotly.js v" + Plotly.version();
        Display.Output first = Display.output(f);
        Display.Output second = Display.output(f);
        Display.plot(f);
        assertTrue(sink.shown.get(0).contains(marker));
        assertFalse(sink.shown.get(1).contains(marker));
        assertFalse(sink.shown.get(2).contains(marker));
        first.plot(f);
        second.plot(f);
        assertTrue(sink.updated.get(0).contains(marker), "the carrier keeps the library");
        assertFalse(sink.updated.get(1).contains(marker));
        assertEquals(List.of(first.id(), second.id()), sink.updatedIds);
    }

    @Test
    void outputsAreReplacedInPlaceWithAnyKindOfContent() {
        RecordingSink sink = new RecordingSink(Display.Kernel.IJAVA);
        Display.useSink(sink);
        Display.Output out = Display.output("<b>starting</b>");
        out.html("<b>done</b>");
        out.image(new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB));
        Display.html("<i>other</i>");
        assertEquals(List.of(out.id(), out.id()), sink.updatedIds);
        assertEquals(List.of("text/html", "text/html", "image/png", "text/html"), sink.mimes);
        assertEquals("<b>done</b>", sink.updated.get(0));
    }

    @Test
    void preparePlotsSendsTheLibraryOnceOnItsOwn() {
        RecordingSink sink = new RecordingSink(Display.Kernel.IJAVA);
        Display.useSink(sink);
        Display.preparePlots();
        Display.preparePlots();
        assertEquals(1, sink.shown.size());
        assertTrue(sink.shown.get(0).contains("plotly.js v" + Plotly.version()));
        assertFalse(sink.shown.get(0).contains("alexnet_plot_"), "no figure in it");
        Display.plot(TrainingCurves.of(List.of(), "empty"));
        assertFalse(sink.shown.get(1).contains("plotly.js v" + Plotly.version()));
        assertTrue(sink.shown.get(1).contains("alexnet_plot_"));
    }

    @Test
    void underIJavaAFigureCarriesAShortTextNotItsHtml() throws Exception {
        ijavaWithRenderer();
        Figure curves = TrainingCurves.of(twoEpochs(), "Training curves");
        Display.Output first = Display.output(curves);
        first.plot(curves);
        Display.plot(curves);
        assertEquals(3, IJavaDisplay.SENT.size());
        String html = (String) IJavaDisplay.SENT.get(0).data.get("text/html");
        assertTrue(html.contains("plotly.js v" + Plotly.version()) && html.length() > 1_000_000, "library + figure");
        String expected = "[figure: Training curves; 3 traces: train loss, train accuracy, test accuracy]";
        for (int i = 0; i < 3; i++) {
            assertEquals(expected, plain(i));
            assertEquals(
                    List.of("text/html", "text/plain"),
                    List.copyOf(IJavaDisplay.SENT.get(i).data.keySet()));
        }
        // Without the wrapper IJava's copy is the value itself: the 5 MB of HTML once more.
        IJavaDisplay.display(html, "text/html");
        assertEquals(html, plain(3));
    }

    @Test
    void underIJavaAPictureIsAPngAndItsSize() throws Exception {
        ijavaWithRenderer();
        BufferedImage image = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        image.setRGB(2, 1, 0xff8000);
        Display.Output shown = Display.output(image);
        shown.image(image);
        for (DisplayData sent : IJavaDisplay.SENT) {
            assertEquals("[image 3x2]", sent.data.get("text/plain"));
            byte[] png = Base64.getDecoder().decode((String) sent.data.get("image/png"));
            BufferedImage back = ImageIO.read(new ByteArrayInputStream(png));
            assertEquals(3, back.getWidth());
            assertEquals(0xff8000, back.getRGB(2, 1) & 0xffffff);
        }
        assertEquals(2, IJavaDisplay.SENT.size());
    }

    @Test
    void underIJavaHtmlCarriesItsTextCutToALimit() throws Exception {
        ijavaWithRenderer();
        Display.html("<b>epoch 3</b> loss 0.41", "epoch 3: loss 0.41");
        assertEquals("epoch 3: loss 0.41", plain(0));
        Display.html("<table><tr><td>layer</td><td>params</td></tr><tr><td>conv1</td><td>34,944</td></tr></table>", "");
        assertEquals("layer params\nconv1 34,944", plain(1), "no console text: the HTML's text");
        StringBuilder rows = new StringBuilder("<table>");
        for (int i = 0; i < 500; i++) {
            rows.append("<tr><td>epoch ").append(i).append("</td><td>0.123456</td></tr>");
        }
        Display.html(rows.append("</table>").toString());
        assertTrue(plain(2).length() <= Display.MAX_TEXT && plain(2).length() > Display.MAX_TEXT - 60, plain(2));
        int rest = Integer.parseInt(plain(2).replaceAll("(?s).*\\(([0-9,]+) more characters\\)$", "$1")
                .replace(",", ""));
        assertEquals(Display.toText(rows.toString()).length(), plain(2).indexOf("... (") + rest, "cut + rest = all");
        assertTrue(plain(2).startsWith("epoch 0 0.123456\nepoch 1 0.123456"));
        assertTrue(plain(2).matches("(?s).*\\.\\.\\. \\([0-9,]+ more characters\\)$"), plain(2));
        Display.preparePlots();
        assertEquals("", plain(3), "the library alone has no text");
    }

    @Test
    void textFormsOfFiguresAndPictures() {
        Figure untitled = new Figure(ScatterTrace.builder(new double[] {1, 2}, new double[] {3, 4})
                .name("loss")
                .build());
        assertEquals("[figure; 1 trace: loss]", Display.plotText(untitled));
        assertEquals("[image 640x480]", Display.imageText(new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB)));
        assertEquals("x", Display.plainText("text/html", "<b>y</b>", "x"));
        assertEquals("y", Display.plainText("text/html", "<b>y</b>", ""));
    }

    @Test
    void kernelIsDetectedOnce() {
        Display.useSink(null);
        assertSame(Display.sink(), Display.sink());
    }

    /** Keeps what a kernel would have been sent. */
    static final class RecordingSink implements Display.Sink {
        final Display.Kernel kernel;
        final List<String> shown = new ArrayList<>();
        final List<String> updated = new ArrayList<>();
        final List<String> updatedIds = new ArrayList<>();
        final List<String> mimes = new ArrayList<>();

        RecordingSink(Display.Kernel kernel) {
            this.kernel = kernel;
        }

        @Override
        public Display.Kernel kernel() {
            return kernel;
        }

        @Override
        public String show(String mime, Object value, String text) {
            mimes.add(mime);
            shown.add(String.valueOf(value));
            return "id-" + shown.size();
        }

        @Override
        public void update(String id, String mime, Object value, String text) {
            mimes.add(mime);
            updated.add(String.valueOf(value));
            updatedIds.add(id);
        }
    }
}
