package org.alexnet.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import tech.tablesaw.plotly.components.Figure;

class SummaryPlotTest {

    private static Experiment.Result r(String arm, long seed, double top1) {
        return new Experiment.Result(arm, seed, top1, top1 / 2, 3, 10, "setup");
    }

    @Test
    void eachArmIsADotWithItsIntervalAsABar() {
        Summary s = Summary.of(
                List.of(
                        r("baseline", 1, 0.101),
                        r("no-lrn", 1, 0.201),
                        r("baseline", 2, 0.102),
                        r("no-lrn", 2, 0.202),
                        r("baseline", 3, 0.103),
                        r("no-lrn", 3, 0.203)),
                "baseline");
        Figure f = s.differencePlot("ablations");
        // one bar for no-lrn, one trace of dots
        assertEquals(2, f.getTraces().length);
        String js = f.asJavascript("plot");
        Statistics.Interval d = s.line("no-lrn").top1VsBaseline();
        assertEquals(10.0, d.difference(), 1e-9);
        assertTrue(js.contains(Double.toString(d.low())) && js.contains(Double.toString(d.high())), js);
        assertTrue(js.contains("no-lrn"));
    }
}
