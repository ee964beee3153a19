package dev.locksmith.redis;

import dev.locksmith.BackendException;
import dev.locksmith.spi.Backend;
import dev.locksmith.spi.BackendContext;
import dev.locksmith.spi.BackendProvider;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.JedisSentineled;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Opens a {@link RedisBackend} for {@code redis://}, {@code rediss://} (TLS) and {@code
 * redis-sentinel://} URIs:
 *
 * <ul>
 *   <li>{@code redis://[[user]:password@]host[:port][/database][?setting=value&...]}
 *   <li>{@code redis://host1:7001,host2:7002,host3:7003[?...]}: a cluster, given seed nodes (or one
 *       seed with {@code ?cluster=true})
 *   <li>{@code redis-sentinel://[[user]:password@]sentinel1:26379,sentinel2:26379/masterName[/database][?...]}
 * </ul>
 *
 * <p>Settings: {@code keyPrefix}, {@code socketTimeout}, {@code connectTimeout}, {@code
 * maxConnections}, {@code waitMarkerSlack}, {@code durableTokens}, {@code replicaAcks}, {@code
 * replicaAckTimeout}, {@code cluster}, {@code clientName}; see {@link RedisOptions}. Durations are written {@code 500ms}, {@code 2s}, {@code 1m}
 * or ISO-8601 ({@code PT2S}).
 */
public final class RedisBackendProvider implements BackendProvider {

    private static final Set<String> SCHEMES = Set.of("redis", "rediss", "redis-sentinel");
    private static final Set<String> SETTINGS = Set.of(
            "keyPrefix",
            "socketTimeout",
            "connectTimeout",
            "maxConnections",
            "waitMarkerSlack",
            "durableTokens",
            "cluster",
            "clientName",
            "replicaAcks",
            "replicaAckTimeout");

    /** Used by {@link java.util.ServiceLoader}. */
    public RedisBackendProvider() {}

    @Override
    public Set<String> schemes() {
        return SCHEMES;
    }

    @Override
    public Backend open(URI uri, BackendContext context) {
        Parsed p = parse(uri, context.connectTimeout());
        UnifiedJedis client;
        try {
            client = p.connect();
        } catch (JedisException e) {
            throw new BackendException("cannot connect to redis at " + p.describe() + ": " + e.getMessage(), e);
        }
        try {
            client.ping();
        } catch (JedisException e) {
            client.close();
            throw new BackendException(
                    "cannot connect to redis at " + p.describe() + " within " + p.connectTimeout + ": "
                            + e.getMessage(),
                    e);
        }
        return new RedisBackend(client, true, p.options, p.connectTimeout);
    }

    /** A parsed URI; package-private for tests. */
    static Parsed parse(URI uri, Duration defaultConnectTimeout) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!SCHEMES.contains(scheme)) {
            throw new IllegalArgumentException("uri scheme must be one of " + SCHEMES + ", was '" + uri + "'");
        }
        if (uri.isOpaque()) {
            throw new IllegalArgumentException(
                    "uri must look like " + scheme + "://host:port, was '" + uri + "' (missing //)");
        }
        String authority = uri.getRawAuthority();
        if (authority == null || authority.isEmpty()) {
            throw new IllegalArgumentException(
                    "uri must name a host, as in " + scheme + "://localhost:6379, was '" + uri + "'");
        }
        Parsed p = new Parsed();
        p.tls = scheme.equals("rediss");
        p.connectTimeout = defaultConnectTimeout;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = userInfo.indexOf(':');
            if (colon >= 0) {
                String user = decode(userInfo.substring(0, colon));
                p.user = user.isEmpty() ? null : user;
                p.password = decode(userInfo.substring(colon + 1));
            } else {
                p.password = decode(userInfo);
            }
        }
        int defaultPort = scheme.equals("redis-sentinel") ? 26379 : 6379;
        for (String hp : authority.split(",", -1)) {
            p.hosts.add(hostAndPort(hp, defaultPort, uri));
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String[] segments = path.isEmpty() || path.equals("/")
                ? new String[0]
                : path.substring(1).split("/", -1);
        int dbIndex = 0;
        if (scheme.equals("redis-sentinel")) {
            if (segments.length == 0 || segments[0].isEmpty()) {
                throw new IllegalArgumentException(
                        "redis-sentinel uri must name the master, as in redis-sentinel://host:26379/mymaster, was '"
                                + uri + "'");
            }
            p.masterName = decode(segments[0]);
            dbIndex = 1;
        }
        if (segments.length > dbIndex + 1) {
            throw new IllegalArgumentException(
                    "uri path must be at most /database, was '" + path + "' in '" + uri + "'");
        }
        if (segments.length == dbIndex + 1 && !segments[dbIndex].isEmpty()) {
            try {
                p.database = Integer.parseInt(segments[dbIndex]);
            } catch (NumberFormatException e) {
                p.database = -1;
            }
            if (p.database < 0) {
                throw new IllegalArgumentException(
                        "uri database must be a number from 0, was '" + segments[dbIndex] + "' in '" + uri + "'");
            }
        }
        RedisOptions.Builder o = RedisOptions.builder();
        Map<String, String> query = query(uri);
        for (Map.Entry<String, String> e : query.entrySet()) {
            String v = e.getValue();
            switch (e.getKey()) {
                case "keyPrefix" -> o.keyPrefix(v);
                case "socketTimeout" -> o.socketTimeout(duration("socketTimeout", v));
                case "connectTimeout" -> p.connectTimeout = positive("connectTimeout", duration("connectTimeout", v));
                case "maxConnections" -> o.maxConnections(integer("maxConnections", v));
                case "waitMarkerSlack" -> o.waitMarkerSlack(duration("waitMarkerSlack", v));
                case "durableTokens" -> o.durableTokens(bool("durableTokens", v));
                case "cluster" -> p.cluster = bool("cluster", v);
                case "clientName" -> p.clientName = v;
                case "replicaAcks" -> o.replicaAcks(integer("replicaAcks", v));
                case "replicaAckTimeout" -> o.replicaAckTimeout(duration("replicaAckTimeout", v));
                default ->
                    throw new IllegalArgumentException(
                            "unknown redis uri setting '" + e.getKey() + "'; known: " + SETTINGS);
            }
        }
        p.options = o.build();
        if (p.hosts.size() > 1 && p.masterName == null) {
            p.cluster = true;
        }
        if (p.cluster && p.options.replicaAcks() > 0) {
            throw new IllegalArgumentException("replicaAcks is not supported on a redis cluster yet");
        }
        if (p.cluster && p.database != 0) {
            throw new IllegalArgumentException("a redis cluster has only database 0, uri asked for " + p.database);
        }
        return p;
    }

    private static HostAndPort hostAndPort(String hp, int defaultPort, URI uri) {
        String host = hp;
        int port = defaultPort;
        int colon = hp.lastIndexOf(':');
        if (hp.startsWith("[")) { // IPv6 literal
            int end = hp.indexOf(']');
            host = end > 0 ? hp.substring(1, end) : "";
            colon = end > 0 && end + 1 < hp.length() && hp.charAt(end + 1) == ':' ? end + 1 : -1;
        } else if (colon >= 0) {
            host = hp.substring(0, colon);
        }
        if (colon >= 0) {
            String ps = hp.substring(colon + 1);
            try {
                port = Integer.parseInt(ps);
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("uri port must be 1 to 65535, was '" + ps + "' in '" + uri + "'");
            }
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("uri has an empty host in '" + hp + "' of '" + uri + "'");
        }
        return new HostAndPort(host, port);
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> out = new LinkedHashMap<>();
        String q = uri.getRawQuery();
        if (q == null || q.isEmpty()) {
            return out;
        }
        for (String pair : q.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = decode(eq < 0 ? pair : pair.substring(0, eq));
            String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (out.put(k, v) != null) {
                throw new IllegalArgumentException("redis uri setting '" + k + "' is given twice in '" + uri + "'");
            }
        }
        return out;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    static Duration duration(String name, String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.startsWith("pt") || s.startsWith("p")) {
                return Duration.parse(v.trim());
            }
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            if (s.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
            }
            if (s.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
            }
            return Duration.ofMillis(Long.parseLong(s));
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException(
                    name + " must be a duration such as 500ms, 2s, 1m or PT2S, was '" + v + "'", e);
        }
    }

    private static Duration positive(String name, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
        return d;
    }

    private static int integer(String name, String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, was '" + v + "'", e);
        }
    }

    private static boolean bool(String name, String v) {
        if (v.equalsIgnoreCase("true") || v.isEmpty()) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException(name + " must be true or false, was '" + v + "'");
    }

    /** The parts of a URI. */
    static final class Parsed {
        final Set<HostAndPort> hosts = new LinkedHashSet<>();
        boolean tls;
        boolean cluster;
        String user;
        String password;
        String masterName;
        String clientName;
        int database;
        Duration connectTimeout;
        RedisOptions options;

        String describe() {
            return (masterName != null ? "sentinels " + hosts + " master " + masterName : hosts.toString())
                    + (cluster ? " (cluster)" : "");
        }

        private JedisClientConfig config(boolean withDatabase) {
            DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder()
                    .connectionTimeoutMillis(millis(connectTimeout))
                    .socketTimeoutMillis(millis(options.socketTimeout()))
                    .ssl(tls)
                    .user(user)
                    .password(password)
                    .clientName(clientName);
            if (withDatabase) {
                b.database(database);
            }
            return b.build();
        }

        UnifiedJedis connect() {
            GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
            // one more than the command pool: the release listener holds one connection for good
            pool.setMaxTotal(options.maxConnections() + 1);
            pool.setMaxIdle(options.maxConnections() + 1);
            pool.setMaxWait(connectTimeout);
            pool.setJmxEnabled(false);
            if (masterName != null) {
                JedisClientConfig sentinelConfig = DefaultJedisClientConfig.builder()
                        .connectionTimeoutMillis(millis(connectTimeout))
                        .socketTimeoutMillis(millis(options.socketTimeout()))
                        .ssl(tls)
                        .build();
                return new JedisSentineled(masterName, config(true), pool, hosts, sentinelConfig);
            }
            if (cluster) {
                return new JedisCluster(hosts, config(false), 5, pool);
            }
            return new JedisPooled(pool, hosts.iterator().next(), config(true));
        }

        private static int millis(Duration d) {
            return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
        }
    }
}
