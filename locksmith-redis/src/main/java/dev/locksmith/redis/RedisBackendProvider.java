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
 * <p>TLS settings, only on {@code rediss://}: {@code trustStore}, {@code trustStoreType} ({@code
 * PKCS12}, {@code JKS} or {@code PEM}), {@code trustStorePassword}, {@code keyStore}, {@code
 * keyStoreType}, {@code keyStorePassword} and {@code verifyHostname} (default {@code true}); see
 * {@link dev.locksmith.spi.support.TlsSettings}. Without them the JVM's default stores are used.
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
