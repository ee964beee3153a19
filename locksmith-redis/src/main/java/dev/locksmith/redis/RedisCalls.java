package dev.locksmith.redis;

import dev.locksmith.BackendException;
import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Supplier;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.CommandObjects;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisAskDataException;
import redis.clients.jedis.exceptions.JedisBusyException;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisMovedDataException;
import redis.clients.jedis.exceptions.JedisRedirectionException;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * How a {@link RedisBackend} talks to Redis: each script by {@code EVALSHA}, sent again by {@code
 * EVAL} on {@code NOSCRIPT} (not a failure retry: the script was not run); {@code WAIT} behind a
 * grant for {@code replicaAcks}; a call bounded by the caller's time left; and every failure
 * turned into a {@link BackendException}, transient when trying again may succeed. Never retries a
 * failure, never sleeps.
 */
final class RedisCalls {
    private static final CommandObjects COMMANDS = new CommandObjects();

    private final UnifiedJedis jedis;
    private final RedisOptions options;
    private final int socketTimeoutMs;

    RedisCalls(UnifiedJedis jedis, RedisOptions options) {
        this.jedis = jedis;
        this.options = options;
        this.socketTimeoutMs = RedisClients.millis(options.socketTimeout());
    }

    /**
     * Runs {@code script}. With a {@code timeout} shorter than the socket timeout, the call waits at
     * most that long for a pooled connection and for the answer (standalone and cluster clients; a
     * Sentinel client keeps its socket timeout); otherwise it takes the client's usual path.
     */
    Object run(String key, Scripts.Script script, List<byte[]> ks, List<byte[]> args, Duration timeout) {
        try {
            if (timeout != null && timeout.toMillis() < socketTimeoutMs) {
                Connection c = borrow(ks.get(0), timeout);
                if (c != null) {
                    return bounded(c, script, ks, args, timeout);
                }
            }
            return evalsha(script, ks, args);
        } catch (JedisException e) {
            throw failure(key, script.name(), e);
        }
    }

    /** Runs a plain command, with its failure classified. */
    <T> T call(String key, String op, Supplier<T> command) {
        try {
            return command.get();
        } catch (JedisException e) {
            throw failure(key, op, e);
        }
    }

    private Object evalsha(Scripts.Script script, List<byte[]> ks, List<byte[]> args) {
        try {
            return jedis.evalsha(script.sha(), ks, args);
        } catch (JedisDataException e) {
            if (!noScript(e)) {
                throw e;
            }
            return jedis.eval(script.body(), ks, args); // EVAL also caches the script again
        }
    }

    private Object bounded(Connection c, Scripts.Script script, List<byte[]> ks, List<byte[]> args, Duration t) {
        try (c) {
            c.setSoTimeout(RedisClients.millis(t));
            try {
                return c.executeCommand(COMMANDS.evalsha(script.sha(), ks, args));
            } catch (JedisDataException e) {
                if (!noScript(e)) {
                    throw e;
                }
                return c.executeCommand(COMMANDS.eval(script.body(), ks, args));
            } finally {
                if (!c.isBroken()) {
                    c.setSoTimeout(socketTimeoutMs);
                }
            }
        } catch (JedisRedirectionException e) {
            return evalsha(script, ks, args); // the slot moved: the cluster client follows it and renews its map
        }
    }

    /** A connection for {@code key} taken within {@code timeout}, or null if this client has no such path. */
    private Connection borrow(byte[] key, Duration timeout) {
        if (jedis instanceof JedisCluster c) {
            return c.getConnectionFromSlot(JedisClusterCRC16.getSlot(key));
        }
        if (!(jedis instanceof JedisPooled p) || !(p.getPool() instanceof ConnectionPool pool)) {
            return null;
        }
        try {
            Connection c = pool.borrowObject(timeout);
            c.setHandlingPool(pool);
            return c;
        } catch (JedisException e) {
            throw e;
        } catch (Exception e) {
            throw new JedisException("Could not get a resource from the pool within " + timeout, e);
        }
    }

    private static boolean noScript(JedisDataException e) {
        return e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT");
    }

    /**
     * Runs a granting script; with {@code replicaAcks} set, sends {@code WAIT} on the same connection
     * right behind it (on a cluster, one to the master owning the key's slot, so that {@code WAIT}
     * counts its replicas) and undoes a grant that too few replicas acknowledged.
     */
    Object runGrant(
            String key, Scripts.Script script, List<byte[]> ks, List<byte[]> args, Duration timeout, Runnable undo) {
        int want = options.replicaAcks();
        if (want == 0) {
            return run(key, script, ks, args, timeout);
        }
        Object[] out;
        try {
            if (jedis instanceof JedisCluster) {
                out = clusterEvalThenWait(key, script, ks, args, want);
            } else {
                try (AbstractPipeline ap = jedis.pipelined()) {
                    if (!(ap instanceof Pipeline p)) {
                        throw new IllegalStateException("replicaAcks needs a single-connection pipeline, got " + ap);
                    }
                    out = evalThenWait(p, script, ks, args, want);
                }
            }
        } catch (JedisException e) {
            throw failure(key, script.name(), e);
        }
        long acks = (Long) out[1];
        if (out[0] instanceof List<?> r && r.get(0) instanceof Long l && l == 1L && acks < want) {
            undo.run();
            throw new BackendException(
                    key,
                    "redis " + script.name() + " of '" + key + "' reached " + acks + " of " + want + " replicas within "
                            + options.replicaAckTimeout() + "; the grant was undone",
                    null);
        }
        return out[0];
    }

    /**
     * The script and {@code WAIT} on one connection to the master owning the key's slot. A {@code
     * MOVED} reply means that node did not run the script: the slot map is refreshed and the grant
     * sent once more. An {@code ASK} (the slot is being migrated) or a second {@code MOVED} fails,
     * with nothing granted.
     */
    private Object[] clusterEvalThenWait(
            String key, Scripts.Script script, List<byte[]> ks, List<byte[]> args, int want) {
        int slot = JedisClusterCRC16.getSlot(ks.get(0));
        String failed = "redis " + script.name() + " of '" + key + "' failed: slot " + slot;
        for (int attempt = 1; ; attempt++) {
            try (Connection c = ((JedisCluster) jedis).getConnectionFromSlot(slot)) {
                return evalThenWait(new Pipeline(c), script, ks, args, want);
            } catch (JedisMovedDataException e) {
                if (attempt > 1) {
                    throw new BackendException(
                            key,
                            failed + " moved again (to " + e.getTargetNode() + ") after"
                                    + " refreshing the cluster's slot map; nothing was granted",
                            e,
                            true);
                }
                jedis.exists(ks.get(0)); // a routed command follows MOVED and refreshes the slot map
            } catch (JedisAskDataException e) {
                throw new BackendException(
                        key,
                        failed + " is being migrated (to " + e.getTargetNode() + ") and"
                                + " replicaAcks needs the grant and WAIT on one master; nothing was granted, try again",
                        e,
                        true);
            }
        }
    }

    /** Sends the script and {@code WAIT} on {@code p}'s one connection: {result, acks}; by EVAL after NOSCRIPT. */
    private Object[] evalThenWait(Pipeline p, Scripts.Script script, List<byte[]> ks, List<byte[]> args, int want) {
        for (boolean eval = false; ; eval = true) {
            Response<Object> r = eval ? p.eval(script.body(), ks, args) : p.evalsha(script.sha(), ks, args);
            Response<Long> w = p.waitReplicas(want, options.replicaAckTimeout().toMillis());
            p.sync();
            try {
                return new Object[] {r.get(), w.get()};
            } catch (JedisDataException e) {
                if (eval || !noScript(e)) {
                    throw e;
                }
            }
        }
    }

    /** A failed call as a {@link BackendException}, transient when the same call may succeed later. */
    static BackendException failure(String key, String op, JedisException e) {
        return new BackendException(
                key, "redis " + op + " of '" + key + "' failed: " + e.getMessage(), e, isTransient(e));
    }

    /**
     * Connection refused, reset or timed out, a pool with no connection to give, a cluster without a
     * reachable node, and the server answers that pass: still loading its data, a slot or the
     * cluster unavailable for now, a replica that was just a master, a busy script.
     */
    static boolean isTransient(JedisException e) {
        if (e instanceof JedisConnectionException
                || e instanceof JedisClusterOperationException
                || e instanceof JedisBusyException
                || e.getCause() instanceof NoSuchElementException) {
            return true;
        }
        String m = e instanceof JedisDataException && e.getMessage() != null ? e.getMessage() : "";
        for (String code : List.of("LOADING", "TRYAGAIN", "CLUSTERDOWN", "READONLY", "MASTERDOWN", "BUSY")) {
            if (m.startsWith(code)) {
                return true;
            }
        }
        return false;
    }
}
