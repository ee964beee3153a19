package dev.locksmith.spi.support;

import dev.locksmith.LeaseKind;
import dev.locksmith.spi.ReleaseListener;
import dev.locksmith.spi.Subscription;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * The local listeners of a store's release feed, by topic, and the feed's payload codec. A topic
 * names a kind and a key ({@code L<key>} for a lock, {@code P<key>} for permits); a notification is
 * {@code "<topic>\n<next>"}, where {@code next} is the waiter the store named from its wait queue,
 * or empty when it named nobody (keys never hold control characters, so the newline is safe).
 * Thread-safe.
 */
public final class FeedListeners {
    private static final System.Logger LOG = System.getLogger(FeedListeners.class.getName());

    private final Map<String, Set<ReleaseListener>> byTopic = new ConcurrentHashMap<>();

    /** The topic of a kind and key. */
    public static String topic(LeaseKind kind, String key) {
        return (kind == LeaseKind.LOCK ? "L" : "P") + key;
    }

    /** The key a topic names. */
    public static String keyOf(String topic) {
        return topic.substring(1);
    }

    /** The kind a topic names. */
    public static LeaseKind kindOf(String topic) {
        return topic.charAt(0) == 'L' ? LeaseKind.LOCK : LeaseKind.PERMIT;
    }

    /** A notification: the topic and, when the store named one, the next waiter. */
    public static String encode(String topic, String next) {
        return next == null ? topic : topic + "\n" + next;
    }

    /**
     * Registers {@code listener} on a topic; closing the returned subscription removes it. {@code
     * onFirst} runs when this is the topic's first listener (to subscribe in the store), {@code
     * onLast} when a removal leaves it none (to unsubscribe); either may be {@code null}.
     */
    public Subscription add(String topic, ReleaseListener listener, Runnable onFirst, Runnable onLast) {
        boolean[] first = new boolean[1];
        byTopic.compute(topic, (k, set) -> {
            // in subscription order: the first to wait is the first told
            Set<ReleaseListener> s = set != null ? set : new CopyOnWriteArraySet<>();
            first[0] = s.isEmpty();
            s.add(listener);
            return s;
        });
        if (first[0] && onFirst != null) {
            onFirst.run();
        }
        return new Subscription() {
            private volatile boolean closed;

            @Override
            public void close() {
                if (closed) {
                    return;
                }
                closed = true;
                boolean[] last = new boolean[1];
                byTopic.computeIfPresent(topic, (k, set) -> {
                    set.remove(listener);
                    last[0] = set.isEmpty();
                    return set.isEmpty() ? null : set;
                });
                if (last[0] && onLast != null) {
                    onLast.run();
                }
            }
        };
    }

    /** Registers {@code listener} for releases of a kind and key. */
    public Subscription add(LeaseKind kind, String key, ReleaseListener listener) {
        return add(topic(kind, key), listener, null, null);
    }

    /** Whether a topic has listeners. */
    public boolean has(String topic) {
        return byTopic.containsKey(topic);
    }

    /** Tells the listeners of the topic a notification names (see {@link #encode}). */
    public void dispatch(String notification) {
        int nl = notification.indexOf('\n');
        String topic = nl < 0 ? notification : notification.substring(0, nl);
        String next = nl < 0 || nl == notification.length() - 1 ? null : notification.substring(nl + 1);
        tell(topic, next);
    }

    /** Tells a topic's listeners that a grant was released; {@code next} as in {@link ReleaseListener}. */
    public void tell(String topic, String next) {
        Set<ReleaseListener> set = byTopic.get(topic);
        if (set != null) {
            fire(set, next);
        }
    }

    /**
     * Notifications may have been missed for every topic (a reconnect, or the feed just became
     * ready): each listener is told once, naming nobody, so its waiter looks again.
     */
    public void tellAll() {
        byTopic.values().forEach(set -> fire(set, null));
    }

    /** Forgets every listener. */
    public void clear() {
        byTopic.clear();
    }

    private static void fire(Set<ReleaseListener> set, String next) {
        for (ReleaseListener l : set) {
            try {
                l.released(next);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a release listener threw: " + e);
                LOG.log(Level.DEBUG, "release listener failure", e);
            }
        }
    }
}
