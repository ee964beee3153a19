package dev.locksmith.redis;

import dev.locksmith.LeaseKind;
import dev.locksmith.spi.ReleaseListener;
import dev.locksmith.spi.Subscription;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The local listeners of release notifications, by payload ({@code L<key>} for a lock, {@code
 * P<key>} for permits), and the dispatch of a notification to them. A notification is {@code
 * "<payload>\n<next>"}: {@code next} is the owner the release script took from the key's wait
 * queue, or empty when it named nobody. Subclasses hear the notifications: {@link ReleaseChannel}
 * on the one classic channel, {@link ShardedReleaseChannel} on each key's shard channel of a
 * cluster.
 */
abstract sealed class ReleaseListeners permits ReleaseChannel, ShardedReleaseChannel {
    private static final System.Logger LOG = System.getLogger(ReleaseListeners.class.getName());

    private final Map<String, Set<ReleaseListener>> callbacks = new ConcurrentHashMap<>();

    static String payload(LeaseKind kind, String key) {
        return (kind == LeaseKind.LOCK ? "L" : "P") + key;
    }

    /** Registers {@code onRelease} for releases of {@code key}; see {@link dev.locksmith.spi.Backend#subscribe}. */
    abstract Subscription subscribe(LeaseKind kind, String key, ReleaseListener onRelease);

    /** Stops listening and forgets every listener. */
    abstract void close();

    /** Adds a listener; false if it was registered for {@code payload} already. */
    final boolean add(String payload, ReleaseListener onRelease) {
        boolean[] added = new boolean[1];
        callbacks.compute(payload, (k, set) -> {
            Set<ReleaseListener> s = set != null ? set : ConcurrentHashMap.newKeySet();
            added[0] = s.add(onRelease);
            return s;
        });
        return added[0];
    }

    /** Removes a listener; false if it was not registered for {@code payload}. */
    final boolean remove(String payload, ReleaseListener onRelease) {
        boolean[] removed = new boolean[1];
        callbacks.computeIfPresent(payload, (k, set) -> {
            removed[0] = set.remove(onRelease);
            return set.isEmpty() ? null : set;
        });
        return removed[0];
    }

    final void forgetAll() {
        callbacks.clear();
    }

    /** Tells the listeners of the payload a notification names. */
    final void dispatch(byte[] message) {
        String m = new String(message, StandardCharsets.UTF_8);
        int nl = m.indexOf('\n'); // keys never hold control characters
        Set<ReleaseListener> set = callbacks.get(nl < 0 ? m : m.substring(0, nl));
        if (set != null) {
            fire(set, nl < 0 || nl == m.length() - 1 ? null : m.substring(nl + 1));
        }
    }

    /** Notifications of {@code payload} may have been lost: its listeners are told, naming nobody. */
    final void lost(String payload) {
        Set<ReleaseListener> set = callbacks.get(payload);
        if (set != null) {
            fire(set, null);
        }
    }

    /** Notifications may have been lost for every key: each listener is told once, naming nobody. */
    final void lostAll() {
        callbacks.values().forEach(set -> fire(set, null));
    }

    private static void fire(Set<ReleaseListener> set, String next) {
        for (ReleaseListener l : set) {
            try {
                l.released(next);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "release callback threw", e);
            }
        }
    }
}
