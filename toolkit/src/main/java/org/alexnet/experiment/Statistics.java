package org.alexnet.experiment;

import java.util.List;

/**
 * The few statistics an ablation table needs: mean, sample standard deviation and Welch's 95%
 * interval for a difference of means (runs with different seeds are independent samples, and the
 * arms need not have equal variances).
 */
public final class Statistics {

    private Statistics() {}

    public static double mean(List<Double> xs) {
        double sum = 0;
        for (double x : xs) {
            sum += x;
        }
        return xs.isEmpty() ? Double.NaN : sum / xs.size();
    }

    /** Sample standard deviation (n - 1); NaN for fewer than two values. */
    public static double sd(List<Double> xs) {
        if (xs.size() < 2) {
            return Double.NaN;
        }
        double m = mean(xs);
        double ss = 0;
        for (double x : xs) {
            ss += (x - m) * (x - m);
        }
        return Math.sqrt(ss / (xs.size() - 1));
    }

    /** A difference of means with its two-sided interval. */
    public record Interval(double difference, double low, double high) {
        /** True when the interval excludes zero. */
        public boolean excludesZero() {
            return low > 0 || high < 0;
        }
    }

    /**
     * Welch's interval for mean(a) - mean(b) at {@code level} (e.g. 0.95); NaN bounds when either
     * side has fewer than two values.
     */
    public static Interval welch(List<Double> a, List<Double> b, double level) {
        double diff = mean(a) - mean(b);
        if (a.size() < 2 || b.size() < 2) {
            return new Interval(diff, Double.NaN, Double.NaN);
        }
        double va = sd(a) * sd(a) / a.size();
        double vb = sd(b) * sd(b) / b.size();
        double se = Math.sqrt(va + vb);
        if (se == 0) {
            return new Interval(diff, diff, diff);
        }
        double df = (va + vb) * (va + vb) / (va * va / (a.size() - 1) + vb * vb / (b.size() - 1));
        double t = tQuantile(0.5 + level / 2, df);
        return new Interval(diff, diff - t * se, diff + t * se);
    }

    /** The {@code p} quantile of Student's t with {@code df} (not necessarily whole) degrees of freedom. */
    public static double tQuantile(double p, double df) {
        if (!(p > 0 && p < 1) || !(df > 0)) {
            throw new IllegalArgumentException("tQuantile needs 0 < p < 1 and df > 0");
        }
        if (p < 0.5) {
            return -tQuantile(1 - p, df);
        }
        double lo = 0;
        double hi = 1;
        while (tCdf(hi, df) < p) {
            hi *= 2;
        }
        for (int i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, hi); i++) {
            double mid = (lo + hi) / 2;
            if (tCdf(mid, df) < p) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }

    /** Student's t distribution function, through the regularised incomplete beta function. */
    public static double tCdf(double t, double df) {
        double x = df / (df + t * t);
        double tail = 0.5 * incompleteBeta(df / 2, 0.5, x);
        return t >= 0 ? 1 - tail : tail;
    }

    /** Regularised incomplete beta I_x(a, b), by its continued fraction (Lentz's method). */
    static double incompleteBeta(double a, double b, double x) {
        if (x <= 0) {
            return 0;
        }
        if (x >= 1) {
            return 1;
        }
        // The fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry otherwise.
        if (x > (a + 1) / (a + b + 2)) {
            return 1 - incompleteBeta(b, a, 1 - x);
        }
        double logFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
        double tiny = 1e-300;
        double c = 1;
        double d = 1 - (a + b) * x / (a + 1);
        d = 1 / (Math.abs(d) < tiny ? tiny : d);
        double f = d;
        for (int m = 1; m <= 500; m++) {
            for (int half = 0; half < 2; half++) {
                double num = half == 0
                        ? m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
                        : -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
                d = 1 + num * d;
                d = 1 / (Math.abs(d) < tiny ? tiny : d);
                c = 1 + num / c;
                c = Math.abs(c) < tiny ? tiny : c;
                f *= c * d;
            }
            if (Math.abs(c * d - 1) < 1e-15) {
                break;
            }
        }
        return Math.exp(logFront) * f / a;
    }

    /** Lanczos approximation of log Γ(z) for z > 0 (g = 7, nine coefficients; ~15 digits). */
    static double logGamma(double z) {
        double[] g = {
            0.99999999999980993,
            676.5203681218851,
            -1259.1392167224028,
            771.32342877765313,
            -176.61502916214059,
            12.507343278686905,
            -0.13857109526572012,
            9.9843695780195716e-6,
            1.5056327351493116e-7
        };
        if (z < 0.5) {
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * z))) - logGamma(1 - z);
        }
        z -= 1;
        double x = g[0];
        for (int i = 1; i < g.length; i++) {
            x += g[i] / (z + i);
        }
        double t = z + 7.5;
        return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(x);
    }
}
