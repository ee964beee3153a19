package dev.locksmith.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A self-contained HTML page: per workload, a throughput bar chart and a latency-by-percentile plot,
 * drawn as inline SVG (no scripts, no external assets).
 */
final class Chart {
    private static final String[] PALETTE = {
        "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
        "#393b79", "#637939"
    };

    private Chart() {}

    static String html(String title, List<String> header, Map<Workload, List<Result>> results) {
        List<String> drivers = new ArrayList<>();
        results.values()
                .forEach(rs -> rs.forEach(r -> {
                    if (!drivers.contains(r.driver())) {
                        drivers.add(r.driver());
                    }
                }));
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(esc(title))
                .append("</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:1100px}"
                        + "pre{background:#f4f4f4;padding:.6em;white-space:pre-wrap}"
                        + "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}"
                        + "td:first-child,th:first-child{text-align:left}.row{display:flex;flex-wrap:wrap;gap:1em}"
                        + "svg text{font-size:11px}</style></head><body>\n<h1>")
                .append(esc(title))
                .append("</h1>\n<pre>");
        header.forEach(h -> sb.append(esc(h)).append('\n'));
        sb.append("</pre>\n");
        for (var e : results.entrySet()) {
            Workload w = e.getKey();
            List<Result> ran = e.getValue().stream().filter(Result::ran).toList();
            sb.append("<h2>")
                    .append(esc(w.id()))
                    .append("</h2>\n<p>")
                    .append(esc(w.description()))
                    .append("</p>\n");
            if (w.kind() == Workload.Kind.HELD) {
                sb.append(heldTable(e.getValue()));
                continue;
            }
            if (ran.isEmpty()) {
                sb.append("<p>no driver ran</p>\n");
                continue;
            }
            sb.append("<div class=\"row\">")
                    .append(bars(ran, drivers))
                    .append(curves(ran, drivers))
                    .append("</div>\n");
            sb.append(table(e.getValue()));
        }
        sb.append("</body></html>\n");
        return sb.toString();
    }

    private static String color(List<String> drivers, String driver) {
        return PALETTE[Math.max(0, drivers.indexOf(driver)) % PALETTE.length];
    }

    /** Horizontal bars of ops/s, one per driver. */
    static String bars(List<Result> ran, List<String> drivers) {
        int rowH = 22;
        int labelW = 130;
        int plotW = 300;
        int h = ran.size() * rowH + 30;
        double max = ran.stream().mapToDouble(Result::opsPerSecond).max().orElse(1);
        double min = ran.stream()
                .mapToDouble(Result::opsPerSecond)
                .filter(v -> v > 0)
                .min()
                .orElse(1);
        // one fast driver (mem:) would flatten every other bar: switch to a log scale when the spread is large
        boolean log = max / min > 50;
        double logMin = Math.floor(Math.log10(Math.max(1, min))) - 0.3;
        double logMax = Math.log10(Math.max(1, max));
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\" font-family=\"sans-serif\" font-size=\"11\">"
                        + "<text x=\"0\" y=\"12\" font-weight=\"bold\">throughput (ops/s%s)</text>",
                labelW + plotW + 80,
                h,
                log ? ", log scale" : ""));
        int y = 22;
        for (Result r : ran) {
            double v = r.opsPerSecond();
            double w;
            if (max <= 0 || v <= 0) {
                w = 0;
            } else if (log) {
                w = plotW * Math.max(0, Math.log10(v) - logMin) / (logMax - logMin);
            } else {
                w = plotW * v / max;
            }
            sb.append(String.format(
                    Locale.ROOT,
                    "<text x=\"0\" y=\"%d\">%s</text><rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>"
                            + "<text x=\"%.1f\" y=\"%d\">%,.0f</text>",
                    y + 14,
                    esc(r.driver()),
                    labelW,
                    y + 3,
                    Math.max(1, w),
                    rowH - 6,
                    color(drivers, r.driver()),
                    labelW + w + 4,
                    y + 14,
                    r.opsPerSecond()));
            y += rowH;
        }
        return sb.append("</svg>").toString();
    }

    /** Latency (log scale) against percentile (nines scale), one line per driver. */
    static String curves(List<Result> ran, List<String> drivers) {
        int w = 560;
        int h = 300;
        int left = 60;
        int right = 160;
        int top = 20;
        int bottom = 40;
        int pw = w - left - right;
        int ph = h - top - bottom;
        double maxNines = 4; // 99.99
        long lo = Long.MAX_VALUE;
        long hi = 1;
        for (Result r : ran) {
            for (double[] p : r.latency().curve()) {
                lo = Math.min(lo, Math.max(100, (long) p[1]));
                hi = Math.max(hi, (long) p[1]);
            }
        }
        if (lo == Long.MAX_VALUE) {
            return "";
        }
        double logLo = Math.floor(Math.log10(lo));
        double logHi = Math.max(logLo + 1, Math.ceil(Math.log10(Math.max(hi, 1))));
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\" font-family=\"sans-serif\" font-size=\"11\">"
                        + "<text x=\"0\" y=\"12\" font-weight=\"bold\">latency by percentile</text>",
                w,
                h));
        for (double d = logLo; d <= logHi; d++) {
            double y = top + ph - ph * (d - logLo) / (logHi - logLo);
            sb.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/><text x=\"0\" y=\"%.1f\">%s</text>",
                    left,
                    left + pw,
                    y,
                    y,
                    y + 4,
                    humanNanos(Math.pow(10, d))));
        }
        String[] ticks = {"0%", "90%", "99%", "99.9%", "99.99%"};
        for (int i = 0; i <= maxNines; i++) {
            double x = left + pw * i / maxNines;
            sb.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#ddd\"/><text x=\"%.1f\" y=\"%d\">%s</text>",
                    x,
                    x,
                    top,
                    top + ph,
                    x - 12,
                    top + ph + 16,
                    ticks[i]));
        }
        int legendY = top + 10;
        for (Result r : ran) {
            StringBuilder pts = new StringBuilder();
            for (double[] p : r.latency().curve()) {
                double nines = p[0] >= 100 ? maxNines : Math.min(maxNines, -Math.log10(1 - p[0] / 100.0));
                double x = left + pw * nines / maxNines;
                double v = Math.log10(Math.max(p[1], Math.pow(10, logLo)));
                double y = top + ph - ph * (v - logLo) / (logHi - logLo);
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            String c = color(drivers, r.driver());
            sb.append(String.format(
                    Locale.ROOT,
                    "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%s\" points=\"%s\"/>"
                            + "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>",
                    c,
                    r.locksmith() ? "2.5" : "1.5",
                    pts.toString().trim(),
                    left + pw + 10,
                    legendY - 9,
                    c,
                    left + pw + 24,
                    legendY,
                    esc(r.driver())));
            legendY += 15;
        }
        sb.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\">percentile (max at the right edge)</text>",
                left + pw / 2 - 80,
                h - 4));
        return sb.append("</svg>").toString();
    }

    private static String table(List<Result> results) {
        StringBuilder sb = new StringBuilder(
                "<table><tr><th>driver</th><th>ops/s</th><th>p50 µs</th><th>p99 µs</th><th>p99.9 µs</th><th>max µs</th><th>errors</th><th>notes</th></tr>\n");
        for (Result r : results) {
            if (!r.ran()) {
                sb.append("<tr><td>")
                        .append(esc(r.driver()))
                        .append("</td><td colspan=\"7\" style=\"text-align:left\">skipped: ")
                        .append(esc(r.skipped()))
                        .append("</td></tr>\n");
                continue;
            }
            Latency l = r.latency();
            sb.append(String.format(
                    Locale.ROOT,
                    "<tr><td>%s</td><td>%,.0f</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%d</td><td style=\"text-align:left\">%s</td></tr>%n",
                    esc(r.driver()),
                    r.opsPerSecond(),
                    Report.micros(l.p50()),
                    Report.micros(l.p99()),
                    Report.micros(l.p999()),
                    Report.micros(l.max()),
                    r.errors(),
                    esc(r.extra().isEmpty() ? "" : r.extra().toString())));
        }
        sb.append("</table>\n");
        List<String> ratios = Report.ratioLines(results);
        if (!ratios.isEmpty()) {
            sb.append("<ul>");
            ratios.forEach(l -> sb.append("<li>").append(esc(l)).append("</li>"));
            sb.append("</ul>\n");
        }
        return sb.toString();
    }

    private static String heldTable(List<Result> results) {
        StringBuilder sb = new StringBuilder("<table><tr><th>driver</th><th>figures</th></tr>\n");
        for (Result r : results) {
            sb.append("<tr><td>")
                    .append(esc(r.driver()))
                    .append("</td><td style=\"text-align:left\">")
                    .append(esc(r.ran() ? r.extra().toString() : "skipped: " + r.skipped()))
                    .append("</td></tr>\n");
        }
        return sb.append("</table>\n").toString();
    }

    static String humanNanos(double nanos) {
        if (nanos >= 1e9) {
            return String.format(Locale.ROOT, "%.0f s", nanos / 1e9);
        }
        if (nanos >= 1e6) {
            return String.format(Locale.ROOT, "%.0f ms", nanos / 1e6);
        }
        if (nanos >= 1e3) {
            return String.format(Locale.ROOT, "%.0f µs", nanos / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f ns", nanos);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
