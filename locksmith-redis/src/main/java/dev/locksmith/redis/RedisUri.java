package dev.locksmith.redis;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import redis.clients.jedis.HostAndPort;

/**
 * A parsed {@code redis://}, {@code rediss://} or {@code redis-sentinel://} URI: where to connect,
 * as whom, and the settings (see {@link RedisBackendProvider} for the forms). Every message names
 * the URI with its passwords masked.
 */
final class RedisUri {
    static final Set<String> SCHEMES = Set.of("redis", "rediss", "redis-sentinel");
    private static final List<String> SETTINGS = List.of(
            "keyPrefix",
            "socketTimeout",
            "connectTimeout",
            "maxConnections",
            "waitMarkerSlack",
            "handOffWindow",
            "durableTokens",
            "cluster",
            "clientName",
            "replicaAcks",
            "replicaAckTimeout",
            "shardedPubSub");

    final Set<HostAndPort> hosts = new LinkedHashSet<>();
    /** The URI as messages may show it: passwords masked. */
    final String safe;

    boolean cluster;
    String user;
    String password;
    String masterName;
    String clientName;
    int database;
    Duration connectTimeout;
    RedisOptions options;
    TlsMaterial tls = TlsMaterial.NONE;

    private RedisUri(String safe) {
        this.safe = safe;
    }

    /** What a message may say about where it connects: hosts and master, never credentials. */
    String describe() {
        return (masterName != null ? "sentinels " + hosts + " master " + masterName : hosts.toString())
                + (cluster ? " (cluster)" : "");
    }

    static RedisUri parse(URI uri, Duration defaultConnectTimeout) {
        RedisUri p = new RedisUri(masked(uri.toString()));
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!SCHEMES.contains(scheme)) {
            throw p.bad("uri scheme must be one of " + SCHEMES + ", was '%s'");
        }
        if (uri.isOpaque()) {
            throw p.bad("uri must look like " + scheme + "://host:port, was '%s' (missing //)");
        }
        String authority = uri.getRawAuthority();
        if (authority == null || authority.isEmpty()) {
            throw p.bad("uri must name a host, as in " + scheme + "://localhost:6379, was '%s'");
        }
        p.connectTimeout = defaultConnectTimeout;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = userInfo.indexOf(':');
            String user = colon < 0 ? "" : decode(userInfo.substring(0, colon));
            p.user = user.isEmpty() ? null : user;
            p.password = decode(userInfo.substring(colon + 1)); // redis://password@host has no user
        }
        boolean sentinel = scheme.equals("redis-sentinel");
        for (String hp : authority.split(",", -1)) {
            p.hosts.add(p.hostAndPort(hp, sentinel ? 26379 : 6379));
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String[] segments = path.isEmpty() || path.equals("/")
                ? new String[0]
                : path.substring(1).split("/", -1);
        int dbIndex = 0;
        if (sentinel) {
            if (segments.length == 0 || segments[0].isEmpty()) {
                throw p.bad("redis-sentinel uri must name the master, as in redis-sentinel://host:26379/mymaster,"
                        + " was '%s'");
            }
            p.masterName = decode(segments[0]);
            dbIndex = 1;
        }
        if (segments.length > dbIndex + 1) {
            throw p.bad("uri path must be at most /database, was '" + masked(path) + "' in '%s'");
        }
        if (segments.length == dbIndex + 1 && !segments[dbIndex].isEmpty()) {
            p.database = segments[dbIndex].matches("[0-9]{1,9}") ? Integer.parseInt(segments[dbIndex]) : -1;
            if (p.database < 0) {
                throw p.bad("uri database must be a number from 0, was '" + masked(segments[dbIndex]) + "' in '%s'");
            }
        }
        Map<String, String> query = p.query(uri.getRawQuery());
        p.settings(query, sentinel);
        if (scheme.equals("rediss")) {
            Map<String, String> tls = new HashMap<>(query);
            tls.keySet().retainAll(TlsMaterial.SETTINGS);
            p.tls = TlsMaterial.of(tls, !query.containsKey("verifyHostname") || bool("verifyHostname", query));
        } else {
            for (String k : query.keySet()) {
                if (TlsMaterial.SETTINGS.contains(k)) {
                    throw new IllegalArgumentException(
                            k + " is a TLS setting and needs a rediss:// uri; " + scheme + ":// does not use TLS");
                }
            }
        }
        return p;
    }

    private void settings(Map<String, String> query, boolean sentinel) {
        RedisOptions.Builder o = RedisOptions.builder();
        for (Map.Entry<String, String> e : query.entrySet()) {
            String v = e.getValue();
            switch (e.getKey()) {
                case "keyPrefix" -> o.keyPrefix(v);
                case "socketTimeout" -> o.socketTimeout(duration("socketTimeout", v));
                case "connectTimeout" -> connectTimeout = positive("connectTimeout", duration("connectTimeout", v));
                case "maxConnections" -> o.maxConnections(integer("maxConnections", v));
                case "waitMarkerSlack" -> o.waitMarkerSlack(duration("waitMarkerSlack", v));
                case "handOffWindow" -> o.handOffWindow(duration("handOffWindow", v));
                case "durableTokens" -> o.durableTokens(bool("durableTokens", query));
                case "cluster" -> cluster = bool("cluster", query);
                case "clientName" -> clientName = v;
                case "replicaAcks" -> o.replicaAcks(integer("replicaAcks", v));
                case "replicaAckTimeout" -> o.replicaAckTimeout(duration("replicaAckTimeout", v));
                case "shardedPubSub" -> o.shardedPubSub(shardedPubSub(v));
                default -> {
                    if (!TlsMaterial.SETTINGS.contains(e.getKey())) {
                        List<String> known = new ArrayList<>(SETTINGS);
                        known.addAll(TlsMaterial.SETTINGS);
                        throw new IllegalArgumentException(
                                "unknown redis uri setting '" + e.getKey() + "'; known: " + known);
                    }
                }
            }
        }
        options = o.build();
        cluster |= hosts.size() > 1 && !sentinel;
        if (!cluster && options.shardedPubSub() == RedisOptions.ShardedPubSub.ON) {
            throw new IllegalArgumentException("shardedPubSub=on needs a redis cluster; " + describe()
                    + " is not one (standalone and sentinel servers use the one classic channel)");
        }
        if (cluster && database != 0) {
            throw new IllegalArgumentException("a redis cluster has only database 0, uri asked for " + database);
        }
    }

    private IllegalArgumentException bad(String template) {
        return new IllegalArgumentException(template.replace("%s", safe));
    }

    private HostAndPort hostAndPort(String hp, int defaultPort) {
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
            port = ps.matches("[0-9]{1,5}") ? Integer.parseInt(ps) : -1;
            if (port < 1 || port > 65535) {
                throw bad("uri port must be 1 to 65535, was '" + masked(ps) + "' in '%s'");
            }
        }
        if (host.isEmpty()) {
            throw bad("uri has an empty host in '" + hp + "' of '%s'");
        }
        return new HostAndPort(host, port);
    }

    private Map<String, String> query(String q) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : q == null ? new String[0] : q.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (out.put(k, eq < 0 ? "" : decode(pair.substring(eq + 1))) != null) {
                throw bad("redis uri setting '" + k + "' is given twice in '%s'");
            }
        }
        return out;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    // TODO: dev.locksmith.spi.support.Redaction and Settings, once they are on main
    static String masked(String uri) {
        int q = uri.indexOf('?');
        String head = q < 0 ? uri : uri.substring(0, q);
        int at = head.lastIndexOf('@');
        if (at >= 0) {
            int slashes = head.indexOf("//");
            int start = slashes >= 0 && slashes < at ? slashes + 2 : head.indexOf(':') + 1;
            head = head.substring(0, start) + "***" + head.substring(at);
        }
        if (q < 0) {
            return head;
        }
        return head + "?" + uri.substring(q + 1).replaceAll("(?i)([^&=]*password=)[^&]*", "$1***");
    }

    static Duration duration(String name, String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.startsWith("p")) {
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

    private static RedisOptions.ShardedPubSub shardedPubSub(String v) {
        for (RedisOptions.ShardedPubSub m : RedisOptions.ShardedPubSub.values()) {
            if (m.name().equalsIgnoreCase(v.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("shardedPubSub must be auto, on or off, was '" + v + "'");
    }

    private static boolean bool(String name, Map<String, String> query) {
        String v = query.get(name);
        if (v.equalsIgnoreCase("true") || v.isEmpty()) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException(name + " must be true or false, was '" + v + "'");
    }
}
