package dev.locksmith.redis;

import dev.locksmith.spi.support.TlsSettings;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import javax.net.ssl.SSLException;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.JedisSentineled;
import redis.clients.jedis.UnifiedJedis;

/** Builds the Jedis client a {@link RedisUri} describes, and explains why connecting failed. */
final class RedisClients {
    private RedisClients() {}

    /** A pooled client: {@code JedisSentineled}, {@code JedisCluster} or {@code JedisPooled}. */
    static UnifiedJedis connect(RedisUri u) {
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        // one more than the command pool: the release listener holds one connection for good
        pool.setMaxTotal(u.options.maxConnections() + 1);
        pool.setMaxIdle(u.options.maxConnections() + 1);
        pool.setMaxWait(u.connectTimeout);
        pool.setJmxEnabled(false);
        DefaultJedisClientConfig.Builder config = withTls(DefaultJedisClientConfig.builder(), u.tls)
                .connectionTimeoutMillis(millis(u.connectTimeout))
                .socketTimeoutMillis(millis(u.options.socketTimeout()))
                .user(u.user)
                .password(u.password)
                .clientName(u.clientName);
        if (u.masterName != null) {
            var sentinels = withTls(DefaultJedisClientConfig.builder(), u.tls)
                    .connectionTimeoutMillis(millis(u.connectTimeout))
                    .socketTimeoutMillis(millis(u.options.socketTimeout()))
                    .build();
            return new JedisSentineled(u.masterName, config.database(u.database).build(), pool, u.hosts, sentinels);
        }
        if (u.cluster) {
            return new JedisCluster(u.hosts, config.build(), 5, pool);
        }
        return new JedisPooled(
                pool, u.hosts.iterator().next(), config.database(u.database).build());
    }

    /** The same TLS settings for every connection: commands, the release feed, sentinels. */
    static DefaultJedisClientConfig.Builder withTls(DefaultJedisClientConfig.Builder b, TlsSettings tls) {
        b.ssl(tls.enabled());
        if (tls.enabled()) {
            b.sslParameters(tls.parameters());
            if (tls.socketFactory() != null) {
                b.sslSocketFactory(tls.socketFactory());
            }
        }
        return b;
    }

    static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
    }

    /**
     * The exception's message, with the TLS failure under it if Jedis hid it, or a hint for the
     * usual ways a TLS mismatch shows up without one.
     */
    static String reason(Exception e, RedisUri u) {
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
        if (u.tls.enabled() && timedOut) {
            return msg + " (if the port does not speak TLS, it never answers the TLS handshake: use redis:// for it)";
        }
        if (u.tls.enabled() && closed && !u.tls.hasKeyStore()) {
            return msg + " (if the server has tls-auth-clients yes, it closes the connection of a client"
                    + " without a certificate: set keyStore)";
        }
        if (!u.tls.enabled() && closed) {
            return msg + " (if the port speaks only TLS, it closes a plain connection: use rediss:// for it)";
        }
        return msg;
    }
}
