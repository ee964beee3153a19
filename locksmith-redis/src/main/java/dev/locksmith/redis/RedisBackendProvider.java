package dev.locksmith.redis;

import dev.locksmith.BackendException;
import dev.locksmith.spi.Backend;
import dev.locksmith.spi.BackendContext;
import dev.locksmith.spi.BackendProvider;
import java.net.URI;
import java.util.Set;
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
 * cluster), {@code cluster}, {@code clientName}; see {@link RedisOptions}. Values follow {@link
 * dev.locksmith.spi.support.Settings}: durations {@code 500ms}, {@code 2s}, {@code 1m30s} or ISO-8601
 * ({@code PT2S}), a bare number being milliseconds. No message shows a password.
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

    /** Used by {@link java.util.ServiceLoader}. */
    public RedisBackendProvider() {}

    @Override
    public Set<String> schemes() {
        return RedisUri.SCHEMES;
    }

    @Override
    public Backend open(URI uri, BackendContext context) {
        RedisUri u = RedisUri.parse(uri, context.connectTimeout());
        UnifiedJedis client;
        try {
            client = RedisClients.connect(u);
        } catch (JedisException e) {
            throw new BackendException("cannot connect to redis at " + u.describe() + ": " + reason(e, u), e);
        }
        try {
            client.ping();
        } catch (JedisException e) {
            client.close();
            throw new BackendException(
                    "cannot connect to redis at " + u.describe() + " within " + u.connectTimeout + ": " + reason(e, u),
                    e);
        }
        try {
            return new RedisBackend(client, true, u.options, context.timeSource());
        } catch (RuntimeException e) {
            client.close(); // shardedPubSub=on on a cluster without it
            throw e;
        }
    }

    /** Why connecting failed, never showing the password (a server may echo what it was sent). */
    private static String reason(JedisException e, RedisUri u) {
        String r = RedisClients.reason(e, u);
        return u.password == null || u.password.isEmpty() ? r : r.replace(u.password, "***");
    }
}
