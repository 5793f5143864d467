package org.alexnet.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatisticsTest {

    @Test
    void tQuantilesMatchPublishedTables() {
        // Two-sided 95% critical values of Student's t (any statistics table).
        assertEquals(12.706204736, Statistics.tQuantile(0.975, 1), 1e-6);
        assertEquals(4.302652730, Statistics.tQuantile(0.975, 2), 1e-7);
        assertEquals(2.776445105, Statistics.tQuantile(0.975, 4), 1e-7);
        assertEquals(2.042272456, Statistics.tQuantile(0.975, 30), 1e-7);
        assertEquals(1.959963985, Statistics.tQuantile(0.975, 1e7), 1e-5);
        assertEquals(-2.776445105, Statistics.tQuantile(0.025, 4), 1e-7);
    }

    /** The distribution function against Simpson's rule on the density, for whole and fractional df. */
    @Test
    void tCdfMatchesIntegratedDensity() {
        for (double df : new double[] {1, 2.5, 7.3, 40}) {
            for (double t : new double[] {-3, -0.7, 0.4, 1.9, 5}) {
                assertEquals(0.5 + simpson(df, t), Statistics.tCdf(t, df), 1e-9, "df " + df + ", t " + t);
            }
        }
    }

    private static double simpson(double df, double t) {
        int n = 20_000;
        double h = t / n;
        double sum = density(df, 0) + density(df, t);
        for (int i = 1; i < n; i++) {
            sum += (i % 2 == 1 ? 4 : 2) * density(df, i * h);
        }
        return sum * h / 3;
    }

    private static double density(double df, double x) {
        double logC = Statistics.logGamma((df + 1) / 2) - Statistics.logGamma(df / 2) - 0.5 * Math.log(df * Math.PI);
        return Math.exp(logC - (df + 1) / 2 * Math.log1p(x * x / df));
    }

    @Test
    void logGammaMatchesFactorials() {
        assertEquals(Math.log(24), Statistics.logGamma(5), 1e-12);
        assertEquals(0.5 * Math.log(Math.PI), Statistics.logGamma(0.5), 1e-12);
    }

    @Test
    void meanAndSampleSd() {
        assertEquals(2.5, Statistics.mean(List.of(1.0, 2.0, 3.0, 4.0)), 0);
        assertEquals(Math.sqrt(5.0 / 3), Statistics.sd(List.of(1.0, 2.0, 3.0, 4.0)), 1e-12);
        assertTrue(Double.isNaN(Statistics.sd(List.of(1.0))));
    }

    /** Welch's interval by hand: equal sizes and spreads give df = 2(n - 1) and se = sqrt(2 s^2 / n). */
    @Test
    void welchIntervalByHand() {
        List<Double> a = List.of(31.0, 32.0, 33.0);
        List<Double> b = List.of(28.0, 29.0, 30.0);
        Statistics.Interval i = Statistics.welch(a, b, 0.95);
        double se = Math.sqrt(2 * 1.0 / 3);
        assertEquals(3.0, i.difference(), 1e-12);
        assertEquals(3.0 - 2.776445105 * se, i.low(), 1e-7);
        assertEquals(3.0 + 2.776445105 * se, i.high(), 1e-7);
        assertTrue(i.excludesZero());
        assertFalse(Statistics.welch(List.of(1.0, 3.0), List.of(2.0, 2.5), 0.95).excludesZero());
    }
}
