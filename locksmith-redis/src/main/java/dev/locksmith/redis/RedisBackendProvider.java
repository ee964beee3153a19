package dev.locksmith.redis;

import dev.locksmith.BackendException;
import dev.locksmith.spi.Backend;
import dev.locksmith.spi.BackendContext;
import dev.locksmith.spi.BackendProvider;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
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
 * maxConnections}, {@code waitMarkerSlack}, {@code handOffWindow}, {@code durableTokens}, {@code replicaAcks}, {@code
 * replicaAckTimeout}, {@code shardedPubSub} ({@code auto}, {@code on} or {@code off}; {@code on} needs a
 * cluster), {@code cluster}, {@code clientName}; see {@link RedisOptions}. Durations are written {@code 500ms}, {@code 2s}, {@code 1m}
 * or ISO-8601 ({@code PT2S}).
 *
 * <p>TLS settings, only on {@code rediss://}; without them the JVM's default trust store (and key
 * store, if the {@code javax.net.ssl.*} system properties name one) is used:
 *
 * <ul>
 *   <li>{@code trustStore}: a file of the certificates to trust instead of the JVM's, for a server
 *       certificate signed by a private CA
 *   <li>{@code trustStoreType}: {@code PKCS12}, {@code JKS} or {@code PEM} (X.509 certificates in
 *       PEM, such as the CA file given to redis-server's {@code tls-ca-cert-file}); by default
 *       {@code JKS} for a {@code .jks} file, {@code PEM} for {@code .pem}, {@code .crt} and {@code
 *       .cer}, otherwise {@code PKCS12}
 *   <li>{@code trustStorePassword}: the trust store's password (none for PEM)
 *   <li>{@code keyStore}, {@code keyStoreType} ({@code PKCS12} or {@code JKS}, by the same rule),
 *       {@code keyStorePassword}: the client's certificate and private key, for a server with
 *       {@code tls-auth-clients yes}; the password opens both the store and the key
 *   <li>{@code verifyHostname}: {@code true} (the default) checks that the server's certificate
 *       names the host in the URI. {@code false} is insecure: any certificate signed by a trusted CA
 *       is accepted for any server; it is refused unless {@code trustStore} names a private CA.
 * </ul>
 */
public final class RedisBackendProvider implements BackendProvider {

    private static final Set<String> SCHEMES = Set.of("redis", "rediss", "redis-sentinel");
    private static final Set<String> TLS_SETTINGS = Set.of(
            "trustStore",
            "trustStoreType",
            "trustStorePassword",
            "keyStore",
            "keyStoreType",
            "keyStorePassword",
            "verifyHostname");
    private static final Set<String> SETTINGS = union(
            TLS_SETTINGS,
            Set.of(
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
                    "shardedPubSub"));

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

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
            throw new BackendException("cannot connect to redis at " + p.describe() + ": " + reason(e, p), e);
        }
        try {
            client.ping();
        } catch (JedisException e) {
            client.close();
            throw new BackendException(
                    "cannot connect to redis at " + p.describe() + " within " + p.connectTimeout + ": " + reason(e, p),
                    e);
        }
        try {
            return new RedisBackend(client, true, p.options, p.connectTimeout);
        } catch (RuntimeException e) {
            client.close(); // shardedPubSub=on on a cluster without it
            throw e;
        }
    }

    /**
     * The exception's message, with the TLS failure under it if Jedis hid it, or a hint for the
     * usual ways a TLS mismatch shows up without one.
     */
    private static String reason(Exception e, Parsed p) {
        String msg = String.valueOf(e.getMessage());
        boolean timedOut = false;
        boolean closed = false;
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return t.getMessage() == null || msg.contains(t.getMessage())
                        ? msg
                        : msg + " (TLS: " + t.getMessage() + ")";
            }
            timedOut |= t instanceof SocketTimeoutException;
            // refused or unreachable is not a server closing a connection it had taken
            closed |= t instanceof SocketException
                    && !(t instanceof ConnectException)
                    && !(t instanceof NoRouteToHostException);
        }
        if (p.tls && timedOut) {
            return msg + " (if the port does not speak TLS, it never answers the TLS handshake: use redis:// for it)";
        }
        if (p.tls && closed && p.keyStore == null) {
            return msg + " (if the server has tls-auth-clients yes, it closes the connection of a client"
                    + " without a certificate: set keyStore)";
        }
        if (!p.tls && closed) {
            return msg + " (if the port speaks only TLS, it closes a plain connection: use rediss:// for it)";
        }
        return msg;
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
                case "handOffWindow" -> o.handOffWindow(duration("handOffWindow", v));
                case "durableTokens" -> o.durableTokens(bool("durableTokens", v));
                case "cluster" -> p.cluster = bool("cluster", v);
                case "clientName" -> p.clientName = v;
                case "replicaAcks" -> o.replicaAcks(integer("replicaAcks", v));
                case "replicaAckTimeout" -> o.replicaAckTimeout(duration("replicaAckTimeout", v));
                case "shardedPubSub" -> o.shardedPubSub(shardedPubSub(v));
                case "trustStore" -> p.trustStore = v;
                case "trustStoreType" -> p.trustStoreType = v;
                case "trustStorePassword" -> p.trustStorePassword = v;
                case "keyStore" -> p.keyStore = v;
                case "keyStoreType" -> p.keyStoreType = v;
                case "keyStorePassword" -> p.keyStorePassword = v;
                case "verifyHostname" -> p.verifyHostname = bool("verifyHostname", v);
                default ->
                    throw new IllegalArgumentException(
                            "unknown redis uri setting '" + e.getKey() + "'; known: " + SETTINGS);
            }
        }
        p.options = o.build();
        if (p.hosts.size() > 1 && p.masterName == null) {
            p.cluster = true;
        }
        if (!p.cluster && p.options.shardedPubSub() == RedisOptions.ShardedPubSub.ON) {
            throw new IllegalArgumentException("shardedPubSub=on needs a redis cluster; " + p.describe()
                    + " is not one (standalone and sentinel servers use the one classic channel)");
        }
        if (p.cluster && p.database != 0) {
            throw new IllegalArgumentException("a redis cluster has only database 0, uri asked for " + p.database);
        }
        for (String k : query.keySet()) {
            if (!p.tls && TLS_SETTINGS.contains(k)) {
                throw new IllegalArgumentException(
                        k + " is a TLS setting and needs a rediss:// uri; " + scheme + ":// does not use TLS");
            }
        }
        if (p.tls) {
            tls(p);
        }
        return p;
    }

    /** Builds the socket factory and parameters for {@code rediss://}, reading the stores now. */
    private static void tls(Parsed p) {
        requires(p.trustStoreType, "trustStoreType", p.trustStore, "trustStore");
        requires(p.trustStorePassword, "trustStorePassword", p.trustStore, "trustStore");
        requires(p.keyStoreType, "keyStoreType", p.keyStore, "keyStore");
        requires(p.keyStorePassword, "keyStorePassword", p.keyStore, "keyStore");
        if (!p.verifyHostname && p.trustStore == null) {
            throw new IllegalArgumentException("verifyHostname=false needs a trustStore with a private CA: with the"
                    + " JVM's public CAs any certificate they signed for any host would be accepted");
        }
        SSLParameters params = new SSLParameters();
        // Java checks the host name only when asked, and Jedis does not ask
        params.setEndpointIdentificationAlgorithm(p.verifyHostname ? "HTTPS" : null);
        p.sslParameters = params;
        if (p.trustStore == null && p.keyStore == null) {
            return; // Jedis uses SSLSocketFactory.getDefault()
        }
        TrustManager[] trust = null;
        if (p.trustStore != null) {
            KeyStore ks = loadStore(
                    "trustStore",
                    p.trustStore,
                    "trustStoreType",
                    p.trustStoreType,
                    "trustStorePassword",
                    p.trustStorePassword,
                    true);
            try {
                if (!hasCertificate(ks)) {
                    throw new IllegalArgumentException("trustStore '" + p.trustStore + "' holds no certificate Java"
                            + " can trust" + (p.trustStorePassword == null ? " (is trustStorePassword missing?)" : "")
                            + "; a PKCS12 file made by openssl without -jdktrust has none: make it with keytool"
                            + " -importcert, or give the CA's PEM file with trustStoreType=PEM");
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ks);
                trust = tmf.getTrustManagers();
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("trustStore '" + p.trustStore + "' cannot be used: " + e, e);
            }
        }
        KeyManager[] keys = null;
        if (p.keyStore != null) {
            KeyStore ks = loadStore(
                    "keyStore",
                    p.keyStore,
                    "keyStoreType",
                    p.keyStoreType,
                    "keyStorePassword",
                    p.keyStorePassword,
                    false);
            char[] password = p.keyStorePassword == null ? new char[0] : p.keyStorePassword.toCharArray();
            try {
                if (!hasKey(ks)) {
                    throw new IllegalArgumentException("keyStore '" + p.keyStore + "' holds no private key"
                            + (p.keyStorePassword == null ? " (is keyStorePassword missing?)" : ""));
                }
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, password);
                keys = kmf.getKeyManagers();
            } catch (UnrecoverableKeyException e) {
                throw new IllegalArgumentException(
                        "keyStorePassword does not open the private key in keyStore '" + p.keyStore + "': "
                                + e.getMessage(),
                        e);
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("keyStore '" + p.keyStore + "' cannot be used: " + e, e);
            }
        }
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(keys, trust, null);
            p.sslSocketFactory = ctx.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot make a TLS context: " + e, e);
        }
    }

    private static void requires(String value, String name, String other, String otherName) {
        if (value != null && other == null) {
            throw new IllegalArgumentException(name + " is given without " + otherName);
        }
    }

    /** Loads a key or trust store file; every failure names the setting at fault. */
    private static KeyStore loadStore(
            String name, String file, String typeName, String type, String passwordName, String password, boolean pem) {
        if (file.isBlank()) {
            throw new IllegalArgumentException(name + " must name a file, was empty");
        }
        Path path;
        try {
            path = Path.of(file);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(name + " is not a valid path: '" + file + "'", e);
        }
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException(name + " file not found: '" + file + "'");
        }
        if (!Files.isReadable(path)) {
            throw new IllegalArgumentException(name + " file is not readable: '" + file + "'");
        }
        String t = type != null ? type.trim().toUpperCase(Locale.ROOT) : typeOf(file);
        if (t.equals("PEM")) {
            if (!pem) {
                throw new IllegalArgumentException(typeName + " PEM is not supported for " + name + " ('" + file
                        + "'); use PKCS12 or JKS (openssl pkcs12 -export makes one from a PEM key and certificate)");
            }
            if (password != null) {
                throw new IllegalArgumentException(passwordName + " is given but a PEM " + name + " has none");
            }
            return pemStore(name, file, path);
        }
        KeyStore ks;
        try {
            ks = KeyStore.getInstance(t);
        } catch (KeyStoreException e) {
            throw new IllegalArgumentException(
                    typeName + " '" + (type != null ? type : t) + "' is not supported; use "
                            + (pem ? "PKCS12, JKS or PEM" : "PKCS12 or JKS"),
                    e);
        }
        try (InputStream in = Files.newInputStream(path)) {
            ks.load(in, password == null ? null : password.toCharArray());
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new IllegalArgumentException(passwordName + " is wrong for " + name + " '" + file + "'", e);
            }
            throw new IllegalArgumentException(
                    name + " '" + file + "' cannot be read as " + t + " (set " + typeName + "?): " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(name + " '" + file + "' cannot be read as " + t + ": " + e, e);
        }
        return ks;
    }

    private static String typeOf(String file) {
        String f = file.toLowerCase(Locale.ROOT);
        if (f.endsWith(".jks")) {
            return "JKS";
        }
        if (f.endsWith(".pem") || f.endsWith(".crt") || f.endsWith(".cer")) {
            return "PEM";
        }
        return "PKCS12";
    }

    private static KeyStore pemStore(String name, String file, Path path) {
        Collection<? extends Certificate> certs;
        try (InputStream in = Files.newInputStream(path)) {
            certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    name + " '" + file + "' cannot be read as PEM certificates: " + e.getMessage(), e);
        }
        if (certs.isEmpty()) {
            throw new IllegalArgumentException(name + " '" + file + "' holds no PEM certificate");
        }
        try {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                ks.setCertificateEntry("cert-" + i++, c);
            }
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make an in-memory key store: " + e, e);
        }
    }

    private static boolean hasCertificate(KeyStore ks) throws KeyStoreException {
        for (String alias : Collections.list(ks.aliases())) {
            if (ks.isCertificateEntry(alias) || ks.getCertificate(alias) != null) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasKey(KeyStore ks) throws KeyStoreException {
        for (String alias : Collections.list(ks.aliases())) {
            if (ks.isKeyEntry(alias)) {
                return true;
            }
        }
        return false;
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

    private static RedisOptions.ShardedPubSub shardedPubSub(String v) {
        for (RedisOptions.ShardedPubSub m : RedisOptions.ShardedPubSub.values()) {
            if (m.name().equalsIgnoreCase(v.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("shardedPubSub must be auto, on or off, was '" + v + "'");
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
        String trustStore;
        String trustStoreType;
        String trustStorePassword;
        String keyStore;
        String keyStoreType;
        String keyStorePassword;
        boolean verifyHostname = true;
        /** Null for the JVM's default. */
        SSLSocketFactory sslSocketFactory;
        /** Set for rediss://: turns host name verification on (or leaves it off). */
        SSLParameters sslParameters;

        String describe() {
            return (masterName != null ? "sentinels " + hosts + " master " + masterName : hosts.toString())
                    + (cluster ? " (cluster)" : "");
        }

        private JedisClientConfig config(boolean withDatabase) {
            DefaultJedisClientConfig.Builder b = tls(DefaultJedisClientConfig.builder())
                    .connectionTimeoutMillis(millis(connectTimeout))
                    .socketTimeoutMillis(millis(options.socketTimeout()))
                    .user(user)
                    .password(password)
                    .clientName(clientName);
            if (withDatabase) {
                b.database(database);
            }
            return b.build();
        }

        /** The same TLS settings for every connection: commands, the release channel, sentinels. */
        DefaultJedisClientConfig.Builder tls(DefaultJedisClientConfig.Builder b) {
            b.ssl(tls);
            if (tls) {
                b.sslParameters(sslParameters);
                if (sslSocketFactory != null) {
                    b.sslSocketFactory(sslSocketFactory);
                }
            }
            return b;
        }

        UnifiedJedis connect() {
            GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
            // one more than the command pool: the release listener holds one connection for good
            pool.setMaxTotal(options.maxConnections() + 1);
            pool.setMaxIdle(options.maxConnections() + 1);
            pool.setMaxWait(connectTimeout);
            pool.setJmxEnabled(false);
            if (masterName != null) {
                JedisClientConfig sentinelConfig = tls(DefaultJedisClientConfig.builder())
                        .connectionTimeoutMillis(millis(connectTimeout))
                        .socketTimeoutMillis(millis(options.socketTimeout()))
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
