package dev.locksmith.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ReportTest {

    private static Result result(String driver, String store, boolean ours, long ops, long... latenciesNanos) {
        Histogram h = Latency.newHistogram();
        for (long v : latenciesNanos) {
            h.recordValue(v);
        }
        return new Result("w", driver, store, ours, ops, 2.0, Latency.of(h), 0, null, Map.of());
    }

    @Test
    void ratiosCompareLocksmithToEachPeerOnTheSameStoreOnly() {
        Result ours = result("locksmith-redis", "redis", true, 2000, 100_000, 100_000);
        Result redisson = result("redisson", "redis", false, 1000, 200_000, 200_000);
        Result spring = result("spring-jdbc", "postgresql", false, 500, 50_000);

        List<String> lines = Report.ratioLines(List.of(ours, redisson, spring));

        assertThat(lines).containsExactly("locksmith-redis vs redisson: throughput 2.00x, p50 0.50x, p99 0.50x");
    }

    @Test
    void ratioOfZeroDenominatorIsADash() {
        assertThat(Report.ratio(5, 0)).isEqualTo("-");
        assertThat(Report.ratio(3, 2)).isEqualTo("1.50x");
        assertThat(Report.ratio(1, 200)).isEqualTo("0.005x");
    }

    @Test
    void latencySummaryReadsPercentilesFromTheHistogram() {
        Histogram h = Latency.newHistogram();
        for (int i = 1; i <= 1000; i++) {
            h.recordValue(i * 1000L); // 1 us .. 1 ms
        }
        Latency l = Latency.of(h);

        assertThat(l.count()).isEqualTo(1000);
        assertThat(l.p50()).isBetween(499_000L, 501_000L);
        assertThat(Report.micros(1500)).isEqualTo("1.5");
        assertThat(l.p99()).isBetween(989_000L, 991_000L);
        assertThat(l.max()).isBetween(999_000L, 1_001_000L);
        assertThat(l.curve()).hasSize(Latency.CURVE_PERCENTILES.length);
        assertThat(l.curve().get(l.curve().size() - 1)[1]).isEqualTo(l.max());
    }

    @Test
    void csvHasHeaderOneRowPerResultAndQuotesFieldsWithCommas() {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("first_error", "boom, \"quoted\"");
        Result failed = new Result("w", "d", "redis", false, 0, 1.0, Latency.NONE, 3, null, extra);
        Result skipped = Result.skipped("w", new FakeDriver(), "nothing answers");

        String csv = Report.csv(List.of(result("a", "mem", true, 10, 1000), failed, skipped));
        String[] lines = csv.split("\n");

        assertThat(lines).hasSize(4);
        assertThat(lines[0]).isEqualTo(String.join(",", Report.CSV_COLUMNS));
        assertThat(lines[1]).startsWith("w,a,mem,true,10,2.000,5.0,1.0,");
        assertThat(lines[2]).endsWith(",3,,\"first_error=boom, \"\"quoted\"\"\"");
        assertThat(lines[3]).contains(",nothing answers,");
    }

    @Test
    void chartIsSelfContainedSvgInHtml() {
        Result a = result("locksmith-redis", "redis", true, 100, 1000, 2000, 3000);
        Result b = result("redisson", "redis", false, 50, 5000);
        String html = Chart.html("t", List.of("command: x <y>"), Map.of(Workload.uncontended(1), List.of(a, b)));

        assertThat(html).contains("<svg", "polyline", "locksmith-redis", "redisson", "x &lt;y&gt;");
        // nothing is fetched: no scripts, no linked resources (the SVG namespace URI is only a name)
        assertThat(html).doesNotContain("<script", " src=", "href=", "<link");
    }

    @Test
    void optionsParseDurationsQuickModeAndRejectBadValues() {
        BenchOptions quick = BenchOptions.parse(new String[] {"--quick", "--duration", "500ms"}, "out");
        assertThat(quick.duration()).isEqualTo(Duration.ofMillis(500));
        assertThat(quick.warmup()).isEqualTo(Duration.ofSeconds(1));
        assertThat(quick.heldSizes()).containsExactly(10_000);
        assertThat(quick.out()).isEqualTo(Path.of("out"));

        assertThat(BenchOptions.duration("1.5s", "--x")).isEqualTo(Duration.ofMillis(1500));
        assertThat(BenchOptions.duration("2m", "--x")).isEqualTo(Duration.ofMinutes(2));
        assertThatThrownBy(() -> BenchOptions.duration("fast", "--warmup"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--warmup");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--bogus"}, "out"))
                .hasMessageContaining("--bogus");
        assertThat(BenchOptions.selected(List.of("raw"), "raw-jedis")).isTrue();
        assertThat(BenchOptions.selected(List.of("raw"), "redisson")).isFalse();
    }

    @Test
    void redisCommandStatsAreSummed() {
        String info = "# Commandstats\r\ncmdstat_set:calls=12,usec=30,usec_per_call=2.5\r\n"
                + "cmdstat_evalsha:calls=5,usec=10,usec_per_call=2.0\r\n";
        Map<String, Long> stats = StoreProbe.parseCommandStats(info);
        assertThat(stats).containsEntry("set", 12L).containsEntry("evalsha", 5L).containsEntry("total", 17L);
    }

    @Test
    void monitorLinesCountOnlyClientRequestsForTheRunsKeys() {
        assertThat(StoreProbe.isClientRequest(
                        "1700000000.1 [0 127.0.0.1:5000] \"EVALSHA\" \"ab\" \"1\" \"bench-1a/k\"", "bench-1a"))
                .isTrue();
        assertThat(StoreProbe.isClientRequest("1700000000.1 [0 lua] \"PEXPIRE\" \"bench-1a/k\" \"9000\"", "bench-1a"))
                .isFalse();
        assertThat(StoreProbe.isClientRequest("1700000000.1 [0 127.0.0.1:5000] \"GET\" \"other\"", "bench-1a"))
                .isFalse();
    }

    private static final class FakeDriver implements Driver {
        @Override
        public String name() {
            return "fake";
        }

        @Override
        public String store() {
            return "redis";
        }

        @Override
        public boolean isLocksmith() {
            return false;
        }

        @Override
        public String waiting() {
            return "never";
        }

        @Override
        public Session open(int concurrency) {
            throw new UnsupportedOperationException();
        }
    }
}
