package dev.locksmith.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Text tables with ratios, CSV, and the HTML chart page. */
final class Report {

    private Report() {}

    /** Nanoseconds as microseconds with one decimal. */
    static String micros(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1000.0);
    }

    /** A ratio such as {@code 2.31x}; {@code -} when the denominator is zero. */
    static String ratio(double numerator, double denominator) {
        if (denominator <= 0 || numerator < 0) {
            return "-";
        }
        double r = numerator / denominator;
        return String.format(Locale.ROOT, r >= 0.1 ? "%.2fx" : "%.3fx", r);
    }

    /** An exception as one short line: class and message, no stack. */
    static String oneLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root && root.getMessage() == null) {
            root = root.getCause();
        }
        String msg = root.getMessage() == null ? "" : ": " + root.getMessage().replaceAll("\\s+", " ");
        String line = root.getClass().getSimpleName() + msg;
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    /** One line per result for the running log. */
    static String summary(Result r) {
        if (!r.ran()) {
            return r.driver() + " skipped: " + r.skipped();
        }
        if (r.latency().isEmpty()) {
            return r.driver() + " " + r.extra();
        }
        return String.format(
                Locale.ROOT,
                "%s %,.0f ops/s p50 %s us p99 %s us errors %d %s",
                r.driver(),
                r.opsPerSecond(),
                micros(r.latency().p50()),
                micros(r.latency().p99()),
                r.errors(),
                r.extra().isEmpty() ? "" : r.extra().toString());
    }

    /** Prints one workload's table, then each Locksmith row's ratios to each peer on the same store. */
    static void printWorkload(PrintStream out, Workload w, List<Result> results) {
        out.println();
        out.println("== " + w.id() + ": " + w.description());
        if (w.kind() == Workload.Kind.HELD) {
            for (Result r : results) {
                if (!r.ran()) {
                    out.printf(Locale.ROOT, "  %-21s skipped: %s%n", r.driver(), r.skipped());
                    continue;
                }
                out.printf(Locale.ROOT, "  %-21s %s%n", r.driver(), r.extra());
            }
            return;
        }
        out.printf(
                Locale.ROOT,
                "  %-21s %-10s %12s %10s %10s %10s %10s %7s%n",
                "driver",
                "store",
                "ops/s",
                "p50 us",
                "p99 us",
                "p99.9 us",
                "max us",
                "errors");
        for (Result r : results) {
            if (!r.ran()) {
                out.printf(Locale.ROOT, "  %-21s %-10s skipped: %s%n", r.driver(), r.store(), r.skipped());
                continue;
            }
            Latency l = r.latency();
            out.printf(
                    Locale.ROOT,
                    "  %-21s %-10s %,12.0f %10s %10s %10s %10s %7d%s%n",
                    r.driver(),
                    r.store(),
                    r.opsPerSecond(),
                    micros(l.p50()),
                    micros(l.p99()),
                    micros(l.p999()),
                    micros(l.max()),
                    r.errors(),
                    r.extra().isEmpty() ? "" : "  " + r.extra());
        }
        for (String line : ratioLines(results)) {
            out.println("  " + line);
        }
    }

    /**
     * For each Locksmith row and each peer row on the same store: throughput ratio (higher is better
     * for Locksmith) and p50/p99 latency ratios (lower is better).
     */
    static List<String> ratioLines(List<Result> results) {
        List<String> lines = new ArrayList<>();
        for (Result ours : results) {
            if (!ours.locksmith() || !ours.ran() || ours.ops() == 0) {
                continue;
            }
            for (Result peer : results) {
                if (peer.locksmith()
                        || !peer.ran()
                        || peer.ops() == 0
                        || !peer.store().equals(ours.store())) {
                    continue;
                }
                String handoffs = "";
                String a = ours.extra().get("handoffs_per_s");
                String b = peer.extra().get("handoffs_per_s");
                if (a != null && b != null) {
                    handoffs = ", hand-offs " + ratio(Double.parseDouble(a), Double.parseDouble(b));
                }
                lines.add(String.format(
                        Locale.ROOT,
                        "%s vs %s: throughput %s%s, p50 %s, p99 %s",
                        ours.driver(),
                        peer.driver(),
                        ratio(ours.opsPerSecond(), peer.opsPerSecond()),
                        handoffs,
                        ratio(ours.latency().p50(), peer.latency().p50()),
                        ratio(ours.latency().p99(), peer.latency().p99())));
            }
        }
        return lines;
    }

    /** The run as Markdown: header lines, then one table per workload with its ratio lines. */
    static String markdown(List<String> header, Map<Workload, List<Result>> all) {
        StringBuilder sb = new StringBuilder();
        sb.append("```\n");
        header.forEach(h -> sb.append(h).append('\n'));
        sb.append("```\n");
        for (var e : all.entrySet()) {
            Workload w = e.getKey();
            sb.append("\n#### ")
                    .append(w.id())
                    .append("\n\n")
                    .append(w.description())
                    .append("\n\n");
            if (w.kind() == Workload.Kind.HELD) {
                sb.append(
                        "| driver | leases | acquire/s | client requests per renewal period | per 100 leases per period"
                                + " | SPI calls per period | heap B/lease | threads added"
                                + " | library threads, peak in window | lost |\n");
                sb.append("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|\n");
                for (Result r : e.getValue()) {
                    if (!r.ran()) {
                        sb.append("| ")
                                .append(r.driver())
                                .append(" | skipped: ")
                                .append(r.skipped())
                                .append(" ||||||||||\n");
                        continue;
                    }
                    Map<String, String> x = r.extra();
                    sb.append(String.join(
                                    " | ",
                                    "| " + r.driver(),
                                    x.getOrDefault("leases", "-"),
                                    x.getOrDefault("acquire_per_s", "-"),
                                    x.getOrDefault("requests_per_period", "-"),
                                    x.getOrDefault("requests_per_100_leases_per_period", "-"),
                                    x.getOrDefault("spi_calls_per_period", "-"),
                                    x.getOrDefault("heap_bytes_per_lease", "-"),
                                    x.getOrDefault("threads_added", "-") + " "
                                            + x.getOrDefault("threads_added_names", ""),
                                    x.getOrDefault("library_threads_peak_in_window", "-"),
                                    x.getOrDefault("lost_before_release", "-")))
                            .append(" |\n");
                }
                continue;
            }
            sb.append("| driver | store | ops/s | p50 µs | p99 µs | p99.9 µs | max µs | errors | notes |\n");
            sb.append("|---|---|---:|---:|---:|---:|---:|---:|---|\n");
            for (Result r : e.getValue()) {
                if (!r.ran()) {
                    sb.append("| ")
                            .append(r.driver())
                            .append(" | ")
                            .append(r.store())
                            .append(" | skipped: ")
                            .append(r.skipped())
                            .append(" ||||||\n");
                    continue;
                }
                Latency l = r.latency();
                sb.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %,.0f | %s | %s | %s | %s | %d | %s |%n",
                        r.driver(),
                        r.store(),
                        r.opsPerSecond(),
                        micros(l.p50()),
                        micros(l.p99()),
                        micros(l.p999()),
                        micros(l.max()),
                        r.errors(),
                        r.extra().entrySet().stream()
                                .map(x -> x.getKey() + "=" + x.getValue())
                                .collect(Collectors.joining(", "))
                                .replace("|", "/")));
            }
            List<String> ratios = ratioLines(e.getValue());
            if (!ratios.isEmpty()) {
                sb.append('\n');
                ratios.forEach(r -> sb.append("- ").append(r).append('\n'));
            }
        }
        return sb.toString();
    }

    static final List<String> CSV_COLUMNS = List.of(
            "workload",
            "driver",
            "store",
            "locksmith",
            "ops",
            "seconds",
            "ops_per_s",
            "p50_us",
            "p99_us",
            "p999_us",
            "max_us",
            "errors",
            "skipped",
            "extra");

    /** One row per result; fields with commas, quotes or newlines are quoted. */
    static String csv(List<Result> results) {
        StringBuilder sb = new StringBuilder(String.join(",", CSV_COLUMNS)).append('\n');
        for (Result r : results) {
            Latency l = r.latency();
            List<String> f = List.of(
                    r.workload(),
                    r.driver(),
                    r.store(),
                    Boolean.toString(r.locksmith()),
                    Long.toString(r.ops()),
                    String.format(Locale.ROOT, "%.3f", r.seconds()),
                    String.format(Locale.ROOT, "%.1f", r.opsPerSecond()),
                    micros(l.p50()),
                    micros(l.p99()),
                    micros(l.p999()),
                    micros(l.max()),
                    Long.toString(r.errors()),
                    r.skipped() == null ? "" : r.skipped(),
                    r.extra().entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue())
                            .collect(Collectors.joining(";")));
            sb.append(f.stream().map(Report::csvField).collect(Collectors.joining(",")))
                    .append('\n');
        }
        return sb.toString();
    }

    static String csvField(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }

    static void write(Path file, String content) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("could not write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Groups results by workload id, keeping run order. */
    static Map<String, List<Result>> byWorkload(List<Result> results) {
        Map<String, List<Result>> out = new LinkedHashMap<>();
        for (Result r : results) {
            out.computeIfAbsent(r.workload(), k -> new ArrayList<>()).add(r);
        }
        return out;
    }
}
