package dev.locksmith.bench;

import dev.locksmith.bench.drivers.JdbcTarget;
import dev.locksmith.bench.drivers.RedisTarget;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisMonitor;

/**
 * Server-side counters and version of a store. Counters are server-wide: other clients of a shared
 * server add to them, which the report says.
 */
interface StoreProbe {

    /** Server version string, e.g. "Redis 7.0.15". */
    String version();

    /** Counter name to value. */
    Map<String, Long> counters();

    /**
     * Starts counting the requests that clients send with {@code fragment} in their arguments (Redis:
     * through {@code MONITOR}, leaving out commands run inside scripts); {@code null} if the store
     * cannot do that.
     */
    default RequestCount countRequests(String fragment) {
        return null;
    }

    /** A running request count. */
    interface RequestCount {
        /** Stops counting and returns the count. */
        long stop();
    }

    /** Redis: {@code INFO server} for the version, {@code INFO commandstats} calls per command. */
    static StoreProbe redis(RedisTarget target) {
        return new StoreProbe() {
            @Override
            public String version() {
                try (Jedis j = new Jedis(target.host(), target.port())) {
                    return "Redis " + field(j.info("server"), "redis_version");
                }
            }

            @Override
            public Map<String, Long> counters() {
                try (Jedis j = new Jedis(target.host(), target.port())) {
                    return parseCommandStats(j.info("commandstats"));
                }
            }

            @Override
            public RequestCount countRequests(String fragment) {
                Jedis j = new Jedis(target.host(), target.port());
                AtomicLong count = new AtomicLong();
                CountDownLatch started = new CountDownLatch(1);
                Thread t = new Thread(
                        () -> {
                            try {
                                j.monitor(new JedisMonitor() {
                                    @Override
                                    public void onCommand(String line) {
                                        started.countDown();
                                        if (isClientRequest(line, fragment)) {
                                            count.incrementAndGet();
                                        }
                                    }
                                });
                            } catch (RuntimeException e) {
                                // the connection is closed to stop monitoring
                            } finally {
                                started.countDown();
                            }
                        },
                        "bench-redis-monitor");
                t.setDaemon(true);
                t.start();
                try {
                    // MONITOR's first line arrives with the first command anyone sends
                    started.await(2, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return () -> {
                    j.disconnect();
                    try {
                        t.join(5000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return count.get();
                };
            }
        };
    }

    /** PostgreSQL: {@code SELECT version()}, and committed transactions of the database. */
    static StoreProbe postgres(JdbcTarget target) {
        return new StoreProbe() {
            @Override
            public String version() {
                return query("SELECT version()");
            }

            @Override
            public Map<String, Long> counters() {
                String v = query(
                        "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()");
                return Map.of("transactions", Long.parseLong(v));
            }

            private String query(String sql) {
                try (Connection c = DriverManager.getConnection(target.url());
                        Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery(sql)) {
                    rs.next();
                    return rs.getString(1);
                } catch (SQLException e) {
                    throw new IllegalStateException(sql + ": " + e.getMessage(), e);
                }
            }
        };
    }

    /**
     * Whether a {@code MONITOR} line is a request sent by a client (not a command run by a script,
     * whose source shows as {@code lua}) that mentions {@code fragment}. Lines look like {@code
     * 1700000000.123456 [0 127.0.0.1:5000] "EVALSHA" "abc" "1" "ns/key"}.
     */
    static boolean isClientRequest(String line, String fragment) {
        int open = line.indexOf('[');
        int close = line.indexOf(']', open + 1);
        if (open < 0 || close < 0) {
            return false;
        }
        String source = line.substring(open + 1, close);
        return !source.endsWith(" lua") && line.indexOf(fragment, close) >= 0;
    }

    /** Any JDBC database: {@code SELECT version()}, no counters. */
    static StoreProbe versionOnly(JdbcTarget target, String product) {
        return new StoreProbe() {
            @Override
            public String version() {
                try (Connection c = DriverManager.getConnection(target.url());
                        Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT version()")) {
                    rs.next();
                    return product + " " + rs.getString(1);
                } catch (SQLException e) {
                    throw new IllegalStateException("SELECT version(): " + e.getMessage(), e);
                }
            }

            @Override
            public Map<String, Long> counters() {
                return Map.of();
            }
        };
    }

    static String field(String info, String name) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1).trim();
            }
        }
        return "?";
    }

    /** Parses {@code cmdstat_set:calls=12,usec=...} lines into {@code set -> 12}, plus {@code total}. */
    static Map<String, Long> parseCommandStats(String info) {
        Map<String, Long> out = new TreeMap<>();
        long total = 0;
        for (String line : info.split("\r?\n")) {
            if (!line.startsWith("cmdstat_")) {
                continue;
            }
            int colon = line.indexOf(':');
            String cmd = line.substring("cmdstat_".length(), colon);
            for (String kv : line.substring(colon + 1).split(",")) {
                if (kv.startsWith("calls=")) {
                    long calls = Long.parseLong(kv.substring("calls=".length()));
                    out.put(cmd, calls);
                    total += calls;
                }
            }
        }
        out.put("total", total);
        return out;
    }
}
