package dev.locksmith.bench;

import dev.locksmith.Locksmith;
import dev.locksmith.bench.drivers.JdbcTarget;
import dev.locksmith.bench.drivers.LocksmithDriver;
import dev.locksmith.bench.drivers.RawJedisDriver;
import dev.locksmith.bench.drivers.RawJnatsDriver;
import dev.locksmith.bench.drivers.RawLettuceDriver;
import dev.locksmith.bench.drivers.RedisTarget;
import dev.locksmith.bench.drivers.RedissonDriver;
import dev.locksmith.bench.drivers.ShedLockJdbcDriver;
import dev.locksmith.bench.drivers.ShedLockRedisDriver;
import dev.locksmith.bench.drivers.SpringJdbcDriver;
import dev.locksmith.bench.drivers.SpringRedisDriver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * The load generator: runs every selected workload against every available driver, one driver at
 * a time, and writes a text report, CSV and an HTML chart. See {@link BenchOptions#USAGE}.
 */
public final class BenchMain {

    private BenchMain() {}

    public static void main(String[] args) {
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                .withZone(ZoneOffset.UTC)
                .format(Instant.now());
        BenchOptions o;
        try {
            o = BenchOptions.parse(args, "target/bench-results/" + stamp);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (o.help()) {
            System.out.print(BenchOptions.USAGE);
            return;
        }
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new Tee(System.out, copy), true, StandardCharsets.UTF_8);
        int status = run(o, args, out);
        out.flush();
        Report.write(o.out().resolve("report.txt"), copy.toString(StandardCharsets.UTF_8));
        System.exit(status);
    }

    static int run(BenchOptions o, String[] args, PrintStream out) {
        List<String> header = new ArrayList<>();
        header.add("Locksmith bench, "
                + DateTimeFormatter.ISO_INSTANT.format(
                        Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
        header.add("command: " + commandLine(args));
        header.addAll(machine());

        List<Driver> drivers = new ArrayList<>();
        Map<String, StoreProbe> probes = new LinkedHashMap<>();
        List<String> skippedDrivers = new ArrayList<>();
        List<String> schemes = Locksmith.knownSchemes();
        header.add("Locksmith backends on the class path: " + schemes);

        RedisTarget redis = RedisTarget.parse(o.redisUri());
        boolean redisUp = reachable(redis.host(), redis.port());
        JdbcTarget pg = new JdbcTarget(o.postgresUrl());
        URI pgUri = URI.create(o.postgresUrl().substring("jdbc:".length()));
        boolean pgUp = reachable(pgUri.getHost(), pgUri.getPort() < 0 ? 5432 : pgUri.getPort());
        Path sqliteFile = null;

        add(
                drivers,
                skippedDrivers,
                o,
                "locksmith-mem",
                () -> new LocksmithDriver("mem", "mem:" + BenchNames.shared()));
        if (!redisUp) {
            skippedDrivers.add("every redis driver: nothing answers on " + redis.uri());
        } else {
            probes.put("redis", StoreProbe.redis(redis));
            if (schemes.contains("redis")) {
                add(drivers, skippedDrivers, o, "locksmith-redis", () -> new LocksmithDriver("redis", redis.uri()));
            } else {
                skippedDrivers.add(
                        "locksmith-redis: no provider for scheme redis (locksmith-redis not on the class path)");
            }
            add(drivers, skippedDrivers, o, "redisson", () -> new RedissonDriver(redis));
            add(drivers, skippedDrivers, o, "raw-jedis", () -> new RawJedisDriver(redis));
            add(drivers, skippedDrivers, o, "raw-lettuce", () -> new RawLettuceDriver(redis));
            add(drivers, skippedDrivers, o, "spring-redis", () -> new SpringRedisDriver(redis));
            add(drivers, skippedDrivers, o, "shedlock-redis", () -> new ShedLockRedisDriver(redis));
        }
        if (!pgUp) {
            skippedDrivers.add("every postgresql driver: nothing answers at " + o.postgresUrl());
        } else {
            probes.put("postgresql", StoreProbe.postgres(pg));
            if (schemes.contains("jdbc")) {
                add(
                        drivers,
                        skippedDrivers,
                        o,
                        "locksmith-postgresql",
                        () -> new LocksmithDriver("postgresql", o.postgresUrl()));
            } else {
                skippedDrivers.add(
                        "locksmith-postgresql: no provider for scheme jdbc (locksmith-jdbc not on the class path)");
            }
            add(drivers, skippedDrivers, o, "spring-jdbc", () -> new SpringJdbcDriver("postgresql", pg));
            add(drivers, skippedDrivers, o, "shedlock-jdbc", () -> new ShedLockJdbcDriver("postgresql", pg));
        }
        String natsUri = System.getProperty("locksmith.bench.nats", "nats://127.0.0.1:4222");
        URI nats = URI.create(natsUri);
        if (!reachable(nats.getHost(), nats.getPort() < 0 ? 4222 : nats.getPort())) {
            skippedDrivers.add("every nats driver: nothing answers on " + natsUri);
        } else {
            if (schemes.contains("nats")) {
                add(drivers, skippedDrivers, o, "locksmith-nats", () -> new LocksmithDriver("nats", natsUri));
            } else {
                skippedDrivers.add(
                        "locksmith-nats: no provider for scheme nats (locksmith-nats not on the class path)");
            }
            add(drivers, skippedDrivers, o, "raw-jnats", () -> new RawJnatsDriver(natsUri));
        }
        URI mariaUri = URI.create(o.mariadbUrl().substring("jdbc:".length()));
        if (BenchOptions.selected(o.drivers(), "locksmith-mariadb")) {
            if (!reachable(mariaUri.getHost(), mariaUri.getPort() < 0 ? 3306 : mariaUri.getPort())) {
                skippedDrivers.add("locksmith-mariadb: nothing answers at " + o.mariadbUrl());
            } else if (!schemes.contains("jdbc")) {
                skippedDrivers.add("locksmith-mariadb: no provider for scheme jdbc");
            } else {
                probes.put("mariadb", StoreProbe.versionOnly(new JdbcTarget(o.mariadbUrl()), "MariaDB"));
                add(
                        drivers,
                        skippedDrivers,
                        o,
                        "locksmith-mariadb",
                        () -> new LocksmithDriver("mariadb", o.mariadbUrl()));
            }
        }
        if (o.sqlite() && BenchOptions.selected(o.drivers(), "locksmith-sqlite")) {
            if (schemes.contains("jdbc")) {
                try {
                    Path f = Files.createTempFile("locksmith-bench-", ".db");
                    sqliteFile = f;
                    add(
                            drivers,
                            skippedDrivers,
                            o,
                            "locksmith-sqlite",
                            () -> new LocksmithDriver("sqlite", "jdbc:sqlite:" + f));
                } catch (IOException e) {
                    skippedDrivers.add("locksmith-sqlite: " + Report.oneLine(e));
                }
            } else {
                skippedDrivers.add("locksmith-sqlite: no provider for scheme jdbc");
            }
        }
        for (var e : probes.entrySet()) {
            try {
                header.add("server " + e.getKey() + ": " + e.getValue().version());
            } catch (RuntimeException ex) {
                header.add("server " + e.getKey() + ": version unknown (" + Report.oneLine(ex) + ")");
            }
        }
        header.add("libraries: " + libraryVersions());
        header.add(String.format(
                Locale.ROOT,
                "settings: warm-up %s, measured %s per driver and workload; held-leases TTL %s (renewal every TTL/3), sizes %s",
                o.warmup(),
                o.duration(),
                o.heldTtl(),
                o.heldSizes()));
        for (Driver d : drivers) {
            header.add("driver " + d.name() + " (" + d.store() + "): waits by " + d.waiting());
        }
        skippedDrivers.forEach(s -> header.add("skipped " + s));
        header.forEach(out::println);

        List<Workload> workloads = new ArrayList<>(List.of(
                Workload.uncontended(1),
                Workload.uncontended(16),
                Workload.contended(16),
                Workload.handoff(4),
                Workload.semaphore(4)));
        o.heldSizes().forEach(n -> workloads.add(Workload.held(n)));
        workloads.removeIf(w -> !BenchOptions.selected(o.workloads(), w.id()));

        LoadRunner load = new LoadRunner(o.warmup(), o.duration(), System.err);
        HeldRunner held = new HeldRunner(o.heldTtl(), System.err);
        Map<Workload, List<Result>> all = new LinkedHashMap<>();
        List<Result> flat = new ArrayList<>();
        for (Workload w : workloads) {
            out.println();
            out.println("-- running " + w.id());
            List<Result> rs = new ArrayList<>();
            for (Driver d : drivers) {
                Result r;
                if (w.kind() == Workload.Kind.SEMAPHORE && !d.supportsSemaphore()) {
                    continue;
                } else if (w.kind() == Workload.Kind.HELD && !d.supportsAutoExtension()) {
                    continue;
                } else if (w.kind() == Workload.Kind.HELD) {
                    r = held.run(w, d, probes.get(d.store()));
                } else {
                    r = load.run(w, d);
                }
                rs.add(r);
                flat.add(r);
                // each row as soon as it is known, so an interrupted run still leaves its figures
                out.println("  done: " + Report.summary(r));
            }
            all.put(w, rs);
            Report.printWorkload(out, w, rs);
        }
        for (Driver d : drivers) {
            try {
                d.close();
            } catch (RuntimeException e) {
                out.println("cleanup of " + d.name() + " failed: " + Report.oneLine(e));
            }
        }
        if (sqliteFile != null) {
            try {
                Files.deleteIfExists(sqliteFile);
            } catch (IOException e) {
                out.println("could not delete " + sqliteFile);
            }
        }
        Report.write(o.out().resolve("results.csv"), Report.csv(flat));
        Report.write(o.out().resolve("report.html"), Chart.html("Locksmith bench", header, all));
        Report.write(o.out().resolve("report.md"), Report.markdown(header, all));
        writeSvgs(o.out().resolve("charts"), all);
        out.println();
        out.println("wrote results.csv, report.html, report.md and report.txt in " + o.out());
        return 0;
    }

    /** Each workload's two charts as standalone SVG files, for pages that embed images. */
    static void writeSvgs(Path dir, Map<Workload, List<Result>> all) {
        List<String> drivers = new ArrayList<>();
        all.values()
                .forEach(rs -> rs.forEach(r -> {
                    if (!drivers.contains(r.driver())) {
                        drivers.add(r.driver());
                    }
                }));
        for (var e : all.entrySet()) {
            List<Result> ran = e.getValue().stream().filter(Result::ran).toList();
            if (e.getKey().kind() == Workload.Kind.HELD || ran.isEmpty()) {
                continue;
            }
            String id = e.getKey().id();
            Report.write(dir.resolve(id + "-throughput.svg"), withWhiteBackground(Chart.bars(ran, drivers)));
            Report.write(dir.resolve(id + "-latency.svg"), withWhiteBackground(Chart.curves(ran, drivers)));
        }
    }

    private static String withWhiteBackground(String svg) {
        int close = svg.indexOf('>');
        return svg.substring(0, close + 1) + "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>"
                + svg.substring(close + 1);
    }

    private static void add(
            List<Driver> drivers, List<String> skipped, BenchOptions o, String name, Supplier<Driver> make) {
        if (!BenchOptions.selected(o.drivers(), name)) {
            return;
        }
        try {
            drivers.add(make.get());
        } catch (RuntimeException | LinkageError e) {
            skipped.add(name + ": " + Report.oneLine(e));
        }
    }

    static boolean reachable(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static String commandLine(String[] args) {
        String jvm = ProcessHandle.current().info().command().orElse("java");
        List<String> jvmArgs = ManagementFactory.getRuntimeMXBean().getInputArguments();
        StringBuilder sb = new StringBuilder(Path.of(jvm).getFileName().toString());
        jvmArgs.forEach(a -> sb.append(' ').append(a));
        sb.append(" -jar locksmith-bench.jar");
        for (String a : args) {
            sb.append(' ').append(a);
        }
        return sb.toString();
    }

    static List<String> machine() {
        Runtime rt = Runtime.getRuntime();
        List<String> lines = new ArrayList<>();
        lines.add(String.format(
                Locale.ROOT,
                "machine: %d cores (%s), %s %s, load average %.2f",
                rt.availableProcessors(),
                cpuModel(),
                System.getProperty("os.name"),
                System.getProperty("os.arch"),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        lines.add(String.format(
                Locale.ROOT,
                "JDK: %s %s (%s), max heap %d MiB",
                System.getProperty("java.vm.name"),
                System.getProperty("java.runtime.version"),
                System.getProperty("java.vendor"),
                rt.maxMemory() >> 20));
        return lines;
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: leave the model out
        }
        return "cpu model unknown";
    }

    static String libraryVersions() {
        String[][] libs = {
            {"org.redisson", "redisson", "org.redisson.Redisson"},
            {"redis.clients", "jedis", "redis.clients.jedis.Jedis"},
            {"io.lettuce", "lettuce-core", "io.lettuce.core.RedisClient"},
            {
                "org.springframework.integration",
                "spring-integration-core",
                "org.springframework.integration.support.locks.LockRegistry"
            },
            {"org.springframework.data", "spring-data-redis", "org.springframework.data.redis.core.RedisTemplate"},
            {"net.javacrumbs.shedlock", "shedlock-core", "net.javacrumbs.shedlock.core.LockProvider"},
            {"org.postgresql", "postgresql", "org.postgresql.Driver"},
            {"org.hdrhistogram", "HdrHistogram", "org.HdrHistogram.Histogram"},
        };
        StringBuilder sb = new StringBuilder();
        for (String[] l : libs) {
            String v = "?";
            try (InputStream in =
                    BenchMain.class.getResourceAsStream("/META-INF/maven/" + l[0] + "/" + l[1] + "/pom.properties")) {
                if (in != null) {
                    Properties p = new Properties();
                    p.load(in);
                    v = p.getProperty("version", "?");
                }
            } catch (IOException e) {
                // keep "?"
            }
            if ("?".equals(v)) {
                // jars without Maven metadata usually carry an Implementation-Version
                try {
                    String impl = Class.forName(l[2]).getPackage().getImplementationVersion();
                    v = impl == null ? "?" : impl;
                } catch (ClassNotFoundException | LinkageError e) {
                    // keep "?"
                }
            }
            sb.append(sb.length() == 0 ? "" : ", ").append(l[1]).append(' ').append(v);
        }
        return sb.toString();
    }

    /** Copies console output into the report file. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }

        @Override
        public void flush() throws IOException {
            a.flush();
            b.flush();
        }
    }

    /** The name of the JVM-wide in-memory store every mem: session of one run shares. */
    static final class BenchNames {
        private static final String SHARED = "bench" + Long.toHexString(System.nanoTime() & 0xffffffL);

        private BenchNames() {}

        static String shared() {
            return SHARED;
        }
    }
}
