package org.alexnet.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.alexnet.eval.Evaluation;
import org.alexnet.train.EpochRecord;
import org.alexnet.train.History;
import org.junit.jupiter.api.Test;
import tech.tablesaw.plotly.components.Figure;

class PlotsTest {

    @Test
    void trainingCurvesHaveLossAndBothAccuracies() {
        History h = new History();
        h.add(new EpochRecord(1, 2.25, 0.25, 0.5, Double.NaN, 100, 0.01, 30));
        h.add(new EpochRecord(2, 1.5, 0.75, 0.625, Double.NaN, 110, 0.01, 28));
        Figure f = TrainingCurves.of(h);
        assertEquals(3, f.getTraces().length);
        String js = f.asJavascript("d");
        for (String s :
                List.of("train loss", "train accuracy", "test accuracy", "2.25", "1.5", "0.625", "yaxis: 'y2'")) {
            assertTrue(js.contains(s), s + " missing in " + js);
        }
        assertEquals("Training curves", f.getLayout().getTitle());
        assertTrue(
                js.contains("legend: {orientation: 'h'") && js.contains("range: [0, 1], autorange: false"),
                "layout extras tablesaw cannot write");
    }

    @Test
    void confusionHeatmapNormalisesRows() {
        Evaluation e = new Evaluation(3);
        // true 0 -> predicted 0 three times, predicted 1 once; true 2 -> predicted 2; class 1 never seen.
        e.add(new float[] {9, 0, 0, 9, 0, 0, 9, 0, 0, 0, 9, 0, 0, 0, 9}, new float[] {0, 0, 0, 0, 2});
        Figure counts = ConfusionPlot.heatmap(e.getConfusion(), List.of("a", "b", "c"), false);
        Figure fractions = ConfusionPlot.of(e, List.of("a", "b", "c"));
        String z = counts.asJavascript("d");
        assertTrue(z.replace(" ", "").replace(",]", "]").contains("[[3.0,1.0,0.0],[0.0,0.0,0.0],[0.0,0.0,1.0]]"), z);
        String zf = fractions.asJavascript("d");
        assertTrue(
                zf.replace(" ", "").replace(",]", "]").contains("[[0.75,0.25,0.0],[0.0,0.0,0.0],[0.0,0.0,1.0]]"), zf);
        assertTrue(zf.contains("reversed"), "row 0 on top");
        assertThrows(IllegalArgumentException.class, () -> ConfusionPlot.heatmap(new long[2][2], List.of("a"), false));
    }
}
