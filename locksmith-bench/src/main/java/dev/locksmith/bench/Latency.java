package dev.locksmith.bench;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * A latency distribution reduced to what the report prints and plots. All values in nanoseconds.
 *
 * @param count recorded values
 * @param p50 median
 * @param p99 99th percentile
 * @param p999 99.9th percentile
 * @param max largest value
 * @param curve (percentile, value) points for the chart, percentiles ascending
 */
public record Latency(long count, long p50, long p99, long p999, long max, List<double[]> curve) {

    /** Percentiles at which the chart samples each distribution. */
    static final double[] CURVE_PERCENTILES = {0, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 100};

    /** An empty distribution. */
    public static final Latency NONE = new Latency(0, 0, 0, 0, 0, List.of());

    /** Values are in nanoseconds, tracked from 1 ns to one minute with 3 significant digits. */
    public static Histogram newHistogram() {
        return new Histogram(60_000_000_000L, 3);
    }

    public static Latency of(Histogram h) {
        if (h.getTotalCount() == 0) {
            return NONE;
        }
        List<double[]> curve = new ArrayList<>();
        for (double p : CURVE_PERCENTILES) {
            long v = p >= 100 ? h.getMaxValue() : h.getValueAtPercentile(p);
            curve.add(new double[] {p, v});
        }
        return new Latency(
                h.getTotalCount(),
                h.getValueAtPercentile(50),
                h.getValueAtPercentile(99),
                h.getValueAtPercentile(99.9),
                h.getMaxValue(),
                List.copyOf(curve));
    }

    public boolean isEmpty() {
        return count == 0;
    }
}
