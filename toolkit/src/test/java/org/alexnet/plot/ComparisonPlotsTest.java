package org.alexnet.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.alexnet.TestEngines;
import org.alexnet.model.LeNet;
import org.alexnet.model.ModelSummary;
import org.alexnet.train.EpochRecord;
import org.alexnet.train.History;
import org.junit.jupiter.api.Test;
import tech.tablesaw.plotly.components.Figure;

class ComparisonPlotsTest {

    private static History history(double... testAccuracies) {
        History h = new History();
        for (int i = 0; i < testAccuracies.length; i++) {
            h.add(new EpochRecord(
                    i + 1, 1.0 / (i + 1), testAccuracies[i] - 0.05, testAccuracies[i], Double.NaN, 1, 0.01, 1));
        }
        return h;
    }

    @Test
    void accuracyComparisonHasTwoCurvesPerRunInOneColour() {
        Map<String, History> runs = new LinkedHashMap<>();
        runs.put("LeNet", history(0.5, 0.625));
        runs.put("AlexNet", history(0.75, 0.875));
        Figure f = CurveComparison.accuracy(runs, "LeNet vs AlexNet");
        assertEquals(4, f.getTraces().length);
        String js = f.asJavascript("d");
        for (String s : List.of(
                "LeNet train",
                "LeNet test",
                "AlexNet train",
                "AlexNet test",
                "0.625",
                "0.875",
                "0.825",
                "\"dash\" : \"dash\"",
                CurveComparison.COLOURS[0],
                CurveComparison.COLOURS[1])) {
            assertTrue(js.contains(s), s + " missing");
        }
        // Run 1's two curves share colour 0, run 2's colour 1: each colour appears exactly twice.
        assertEquals(2, js.split(CurveComparison.COLOURS[0], -1).length - 1);
        assertEquals(2, js.split(CurveComparison.COLOURS[1], -1).length - 1);
        assertTrue(js.contains("range: [0.0, 1.0], autorange: false") && js.contains("dtick: 1"));
    }

    @Test
    void linesRejectMismatchedSeries() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new CurveComparison.Series("x", new double[] {1, 2}, new double[] {1}));
        Figure f = CurveComparison.lines(
                "t",
                "step",
                "error",
                List.of(new CurveComparison.Series("relu", new double[] {0.5, 1.5}, new double[] {0.9, 0.4})),
                Double.NaN,
                Double.NaN);
        String js = f.asJavascript("d");
        assertTrue(js.contains("relu") && js.contains("0.4"));
        assertFalse(js.contains("dtick"), "fractional x: automatic ticks");
    }

    @Test
    void parameterBarsListTheLayersWithParameters() {
        try (NDManager m = NDManager.newBaseManager(TestEngines.MXNET)) {
            LeNet net = new LeNet(10);
            Shape input = new Shape(1, 1, 28, 28);
            net.initialize(m, DataType.FLOAT32, input);
            ModelSummary s = ModelSummary.of(net, input);
            Figure f = ParameterPlot.of(s);
            String js = f.asJavascript("d");
            // LeNet-5 by hand: conv1 6*25+6, conv2 16*6*25+16, fc3 400*120+120, fc4 120*84+84, fc5 84*10+10.
            for (String s2 : List.of("\"conv1\"", "\"fc5\"", "156.0", "2416.0", "48120.0", "10164.0", "850.0")) {
                assertTrue(js.contains(s2), s2 + " missing in " + js);
            }
            assertFalse(js.contains("pool1") || js.contains("act1"), "layers without parameters are left out");
            assertTrue(
                    f.getLayout().getTitle().contains("61,706"), f.getLayout().getTitle());
        }
    }
}
