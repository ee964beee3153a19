package dev.locksmith.redis;

import dev.locksmith.spi.support.Redaction;
import dev.locksmith.spi.support.Settings;
import dev.locksmith.spi.support.TlsSettings;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import redis.clients.jedis.HostAndPort;

/**
 * A parsed {@code redis://}, {@code rediss://} or {@code redis-sentinel://} URI: where to connect,
 * as whom, and the settings (see {@link RedisBackendProvider} for the forms). Every message names
 * the URI with its passwords masked.
 */
final class RedisUri {
    static final Set<String> SCHEMES = Set.of("redis", "rediss", "redis-sentinel");
    private static final List<String> SETTINGS = List.of(("keyPrefix socketTimeout connectTimeout maxConnections"
                    + " waitMarkerSlack handOffWindow durableTokens cluster clientName replicaAcks replicaAckTimeout"
                    + " shardedPubSub")
            .split(" "));
    private static final int MIN = Integer.MIN_VALUE; // the options check ranges, naming them
    private static final int MAX = Integer.MAX_VALUE;

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
    TlsSettings tls = TlsSettings.NONE;

    private RedisUri(String safe) {
        this.safe = safe;
    }

    /** What a message may say about where it connects: hosts and master, never credentials. */
    String describe() {
        return (masterName != null ? "sentinels " + hosts + " master " + masterName : hosts.toString())
                + (cluster ? " (cluster)" : "");
    }

    static RedisUri parse(URI uri, Duration defaultConnectTimeout) {
        RedisUri p = new RedisUri(Redaction.maskUri(uri.toString()));
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!SCHEMES.contains(scheme)) {
            throw p.bad("uri scheme must be one of " + SCHEMES + ", was '%s'");
        }
        if (uri.isOpaque()) {
            // not quoted: an opaque URI has no user information to mask, so a password would show as is
            throw new IllegalArgumentException("uri must look like " + scheme + "://host:port (missing //)");
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
        String[] segments =
                path.length() <= 1 ? new String[0] : path.substring(1).split("/", -1);
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
            throw p.bad("uri path must be at most /database, was '%s'");
        }
        if (segments.length == dbIndex + 1 && !segments[dbIndex].isEmpty()) {
            p.database = segments[dbIndex].matches("[0-9]{1,9}") ? Integer.parseInt(segments[dbIndex]) : -1;
            if (p.database < 0) {
                throw p.bad("uri database must be a number from 0, in '%s'");
            }
        }
        List<String> known = new ArrayList<>(SETTINGS);
        known.addAll(TlsSettings.KEYS);
        Settings settings = Settings.fromQuery(uri.getRawQuery(), known);
        p.settings(settings, sentinel);
        if (scheme.equals("rediss")) {
            p.tls = TlsSettings.read(settings);
        } else {
            TlsSettings.refuse(settings, "a rediss:// uri; " + scheme + ":// does not use TLS");
        }
        return p;
    }

    /** Bare numbers in durations are milliseconds, as they always were in Redis URIs. */
    private void settings(Settings s, boolean sentinel) {
        RedisOptions.Builder o = RedisOptions.builder()
                .socketTimeout(s.duration("socketTimeout", RedisOptions.DEFAULT_SOCKET_TIMEOUT, ChronoUnit.MILLIS))
                .waitMarkerSlack(
                        s.duration("waitMarkerSlack", RedisOptions.DEFAULT_WAIT_MARKER_SLACK, ChronoUnit.MILLIS))
                .handOffWindow(s.duration("handOffWindow", RedisOptions.DEFAULT_HAND_OFF_WINDOW, ChronoUnit.MILLIS))
                .replicaAckTimeout(
                        s.duration("replicaAckTimeout", RedisOptions.DEFAULT_REPLICA_ACK_TIMEOUT, ChronoUnit.MILLIS))
                .maxConnections(s.integer("maxConnections", RedisOptions.DEFAULT_MAX_CONNECTIONS, MIN, MAX))
                .replicaAcks(s.integer("replicaAcks", 0, MIN, MAX))
                .durableTokens(s.bool("durableTokens", false))
                .shardedPubSub(s.enumValue(
                        "shardedPubSub", RedisOptions.ShardedPubSub.class, RedisOptions.ShardedPubSub.AUTO));
        s.value("keyPrefix").ifPresent(o::keyPrefix);
        connectTimeout = s.positiveDuration("connectTimeout", connectTimeout, ChronoUnit.MILLIS);
        clientName = s.string("clientName", null);
        cluster = s.bool("cluster", false);
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
                throw bad("uri port must be 1 to 65535, in '%s'");
            }
        }
        if (host.isEmpty()) {
            throw bad("uri has an empty host in '" + hp + "' of '%s'");
        }
        return new HostAndPort(host, port);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
