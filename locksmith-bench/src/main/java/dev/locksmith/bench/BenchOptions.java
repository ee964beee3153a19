package dev.locksmith.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Command-line options of the load generator. */
record BenchOptions(
        Duration warmup,
        Duration duration,
        Duration heldTtl,
        List<Integer> heldSizes,
        List<String> workloads,
        List<String> drivers,
        String redisUri,
        String postgresUrl,
        String mariadbUrl,
        boolean sqlite,
        Path out,
        boolean help) {

    static final String USAGE = """
            usage: java -jar locksmith-bench.jar [options]
              --quick                 2 s runs after 1 s warm-up, held-leases with 10,000 only
              --duration D            measured time per driver and workload (default 5s; e.g. 500ms, 10s, 1m)
              --warmup D              warm-up before each measurement (default 2s)
              --workloads a,b         workload ids or prefixes: uncontended, contended, handoff, semaphore, held
                                      (default: all)
              --drivers a,b           driver names or prefixes, e.g. locksmith,redisson,raw (default: all)
              --held-sizes n,m        lease counts for the held workload (default 10000,100000)
              --held-ttl D            lease TTL in the held workload, renewed every TTL/3 (default 9s)
              --redis URI             (default redis://127.0.0.1:6379)
              --postgres URL          (default jdbc:postgresql://127.0.0.1:5432/test?user=postgres)
              --mariadb URL           Locksmith only (default jdbc:mariadb://127.0.0.1:3306/test?user=root)
              --no-sqlite             leave out Locksmith on SQLite
              --out DIR               where results.csv, report.txt and report.html go (default target/bench-results/<time>)
              --help
            """;

    static BenchOptions parse(String[] args, String defaultOut) {
        Duration warmup = Duration.ofSeconds(2);
        Duration duration = Duration.ofSeconds(5);
        Duration heldTtl = Duration.ofSeconds(9);
        List<Integer> heldSizes = List.of(10_000, 100_000);
        List<String> workloads = List.of();
        List<String> drivers = List.of();
        String redis = "redis://127.0.0.1:6379";
        String postgres = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
        String mariadb = "jdbc:mariadb://127.0.0.1:3306/test?user=root";
        boolean sqlite = true;
        Path out = Path.of(defaultOut);
        boolean help = false;
        boolean quick = false;
        Duration explicitWarmup = null;
        Duration explicitDuration = null;
        List<Integer> explicitSizes = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick" -> quick = true;
                case "--help", "-h" -> help = true;
                case "--no-sqlite" -> sqlite = false;
                case "--duration" -> explicitDuration = duration(value(args, ++i, a), a);
                case "--warmup" -> explicitWarmup = duration(value(args, ++i, a), a);
                case "--held-ttl" -> heldTtl = duration(value(args, ++i, a), a);
                case "--held-sizes" -> explicitSizes = ints(value(args, ++i, a), a);
                case "--workloads" -> workloads = list(value(args, ++i, a));
                case "--drivers" -> drivers = list(value(args, ++i, a));
                case "--redis" -> redis = value(args, ++i, a);
                case "--postgres" -> postgres = value(args, ++i, a);
                case "--mariadb" -> mariadb = value(args, ++i, a);
                case "--out" -> out = Path.of(value(args, ++i, a));
                default -> throw new IllegalArgumentException("unknown option '" + a + "'\n" + USAGE);
            }
        }
        if (quick) {
            warmup = Duration.ofSeconds(1);
            duration = Duration.ofSeconds(2);
            heldSizes = List.of(10_000);
        }
        if (explicitWarmup != null) {
            warmup = explicitWarmup;
        }
        if (explicitDuration != null) {
            duration = explicitDuration;
        }
        if (explicitSizes != null) {
            heldSizes = explicitSizes;
        }
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException("--duration must be positive, was " + duration);
        }
        if (warmup.isNegative()) {
            throw new IllegalArgumentException("--warmup must be zero or positive, was " + warmup);
        }
        if (heldTtl.compareTo(Duration.ofMillis(300)) < 0) {
            throw new IllegalArgumentException("--held-ttl must be at least 300ms, was " + heldTtl);
        }
        return new BenchOptions(
                warmup, duration, heldTtl, heldSizes, workloads, drivers, redis, postgres, mariadb, sqlite, out, help);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    /** Parses {@code 500ms}, {@code 5s}, {@code 2m}. */
    static Duration duration(String s, String option) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            if (v.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
            }
            if (v.endsWith("m")) {
                return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)) * 60);
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new IllegalArgumentException(option + " must look like 500ms, 5s or 2m, was '" + s + "'");
    }

    private static List<Integer> ints(String s, String option) {
        List<Integer> out = new ArrayList<>();
        for (String p : list(s)) {
            try {
                int n = Integer.parseInt(p.replace("_", ""));
                if (n < 1) {
                    throw new NumberFormatException();
                }
                out.add(n);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " must be positive integers, was '" + s + "'");
            }
        }
        return out;
    }

    private static List<String> list(String s) {
        List<String> out = new ArrayList<>();
        for (String p : s.split(",")) {
            if (!p.isBlank()) {
                out.add(p.trim().toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    /** True if {@code name} matches one of {@code filters} as a prefix, or there is no filter. */
    static boolean selected(List<String> filters, String name) {
        return filters.isEmpty() || filters.stream().anyMatch(name::startsWith);
    }
}
