package org.alexnet.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.alexnet.train.EpochRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tech.tablesaw.plotly.components.Figure;

class PlotlyTest {

    @BeforeEach
    @AfterEach
    void newSession() {
        Plotly.resetSession();
    }

    static Figure figure() {
        return TrainingCurves.of(
                List.of(
                        new EpochRecord(1, 0.9, 0.6, 0.7, Double.NaN, 100, 0.01, 30),
                        new EpochRecord(2, 0.5, 0.8, 0.82, Double.NaN, 110, 0.01, 28)),
                "curves");
    }

    /** A line of the library's licence header, present once per copy of plotly.js. */
    static String libraryMarker() {
        return "plotly.js v" + Plotly.version();
    }

    static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
            n++;
        }
        return n;
    }

    @Test
    void theLibraryIsPackedIntoTheJar() {
        assertTrue(Plotly.version().matches("\\d+\\.\\d+\\.\\d+"), Plotly.version());
        String lib = Plotly.library();
        assertTrue(lib.length() > 1_000_000, "plotly.min.js looks truncated: " + lib.length());
        assertEquals(1, count(lib, libraryMarker()));
        assertTrue(lib.contains("newPlot"));
        // Safe inside an inline <script>.
        assertFalse(lib.toLowerCase().contains("</script"));
        assertFalse(lib.contains("<!--"));
    }

    @Test
    void aSessionEmbedsTheLibraryInItsFirstFigureOnly() {
        String first = Plotly.toHtml(figure());
        String second = Plotly.toHtml(figure());
        String third = Plotly.toHtml(figure());
        assertEquals(1, count(first, libraryMarker()));
        assertEquals(0, count(second, libraryMarker()));
        assertEquals(1, count(first + second + third, libraryMarker()));
        assertTrue(Plotly.isEmbedded());
        Plotly.resetSession();
        assertEquals(1, count(Plotly.toHtml(figure()), libraryMarker()), "a new session embeds it again");
    }

    @Test
    void noFigureLoadsAnythingFromTheNetwork() {
        String session = Plotly.toHtml(figure()) + Plotly.toHtml(figure()) + Plotly.toPage(figure(), "page");
        String lower = session.toLowerCase();
        assertFalse(lower.contains("<script src"), "a script loaded from elsewhere");
        assertFalse(lower.contains("cdn.plot.ly/plotly"), "plotly's CDN");
        assertFalse(lower.contains("plotly-latest"), "tablesaw's CDN default");
        // The figures themselves hold no address at all.
        String figure = Plotly.figureHtml(figure());
        assertFalse(figure.contains("http://") || figure.contains("https://"), figure);
    }

    @Test
    void aFigureDrawsIntoItsOwnDivWithTheLoadedLibrary() {
        String a = Plotly.figureHtml(figure());
        String b = Plotly.figureHtml(figure());
        String idA = a.replaceAll("(?s)^<div id=\"([^\"]+)\".*", "$1");
        String idB = b.replaceAll("(?s)^<div id=\"([^\"]+)\".*", "$1");
        assertTrue(idA.startsWith("alexnet_plot_"), idA);
        assertFalse(idA.equals(idB), "two figures, two divs");
        assertTrue(a.contains("document.getElementById('" + idA + "')"));
        assertTrue(a.contains("Plotly.newPlot("));
        assertTrue(a.contains("window.Plotly.newPlot"), "the title adapter hands over to the real library");
        assertTrue(a.contains("'train loss'") || a.contains("\"train loss\""), "trace names");
        assertEquals(1, count(a, "<script"), "one script: tablesaw's own script tags are unwrapped");
    }

    @Test
    void aPageCarriesTheLibraryEveryTime() {
        assertEquals(1, count(Plotly.toPage(figure(), "a"), libraryMarker()));
        assertEquals(1, count(Plotly.toPage(figure(), "b"), libraryMarker()));
        assertFalse(Plotly.isEmbedded(), "pages are self-contained and do not use up the session's embedding");
    }
}
