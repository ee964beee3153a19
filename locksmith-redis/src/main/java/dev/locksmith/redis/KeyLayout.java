package dev.locksmith.redis;

import java.nio.charset.StandardCharsets;

/**
 * Where the data of one Locksmith key lives in Redis. Every Redis key of one Locksmith key shares
 * the hash tag {@code {encoded key}}, so they sit in one cluster slot and one script can touch them
 * all. The encoding replaces {@code %} and <code>}</code> so that a name containing braces cannot end
 * the hash tag early.
 */
final class KeyLayout {
    private final String prefix;
    private final String channel;

    KeyLayout(String prefix) {
        this.prefix = prefix;
        this.channel = prefix + "release";
    }

    /** The one classic pub/sub channel releases with waiters are published on; the payload names the key. */
    String channel() {
        return channel;
    }

    /**
     * The key's own sharded pub/sub channel ({@code SPUBLISH}), used instead of {@link #channel()} on
     * a cluster: it shares the key's hash tag, so only the shard that owns the key carries it. A
     * channel, never a Redis key; the lock and the permits of a key share it.
     */
    String releaseChannel(String key) {
        return base(key) + "rel";
    }

    static String encode(String key) {
        return key.replace("%", "%25").replace("}", "%7D");
    }

    static String decode(String encoded) {
        return encoded.replace("%7D", "}").replace("%25", "%");
    }

    String base(String key) {
        return prefix + "{" + encode(key) + "}:";
    }

    byte[] lock(String key) {
        return bytes(base(key) + "lock");
    }

    /** The token counter: no TTL, never deleted, shared by the lock and the permits of a key. */
    byte[] fence(String key) {
        return bytes(base(key) + "fence");
    }

    /** The lock's wait queue: sorted set of waiting owners ({@code ''} for watchers) by when they lapse. */
    byte[] lockQueue(String key) {
        return bytes(base(key) + "lq");
    }

    /** Sorted set: member owner, score expiry in server milliseconds. */
    byte[] permits(String key) {
        return bytes(base(key) + "permits");
    }

    /** Hash: {@code t:<owner>} the permit's token, {@code max} the permit limit of the last grant. */
    byte[] permitTokens(String key) {
        return bytes(base(key) + "ptok");
    }

    /** String {@code <tag>:<owner>}, {@code PX} the hand-off window: the waiter the free lock is reserved for. */
    byte[] turn(String key) {
        return bytes(base(key) + "turn");
    }

    /** The semaphore's wait queue, laid out like {@link #lockQueue}. */
    byte[] permitQueue(String key) {
        return bytes(base(key) + "pq");
    }

    /** Hash: {@code v} the value, {@code t} the token of the writer. */
    byte[] state(String key) {
        return bytes(base(key) + "state");
    }

    /** A SCAN pattern matching every Redis key of Locksmith keys that start with {@code keyPrefix}. */
    String scanPattern(String keyPrefix) {
        return globEscape(prefix + "{" + encode(keyPrefix)) + "*";
    }

    /** The Locksmith key of a Redis key ending in {@code }:<suffix>}, or null if it is not one. */
    String keyOf(String redisKey, String suffix) {
        String start = prefix + "{";
        String end = "}:" + suffix;
        if (!redisKey.startsWith(start) || !redisKey.endsWith(end)) {
            return null;
        }
        String enc = redisKey.substring(start.length(), redisKey.length() - end.length());
        return enc.indexOf('}') >= 0 ? null : decode(enc);
    }

    static String globEscape(String s) {
        return s.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
