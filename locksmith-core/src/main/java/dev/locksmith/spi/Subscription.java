package dev.locksmith.spi;

import java.util.concurrent.CompletableFuture;

/** A registration for release notifications. Closing it is idempotent. */
@FunctionalInterface
public interface Subscription extends AutoCloseable {

    /** A subscription that receives nothing, for stores without notifications. */
    Subscription NONE = () -> {};

    /**
     * Completes once the store would deliver a release to this subscription (the feed's {@code
     * SUBSCRIBE} or {@code LISTEN} is in effect). The engine's waiters look once more at that
     * moment, since a release published before it was missed; nobody blocks on it. The default,
     * for feeds that are in effect as soon as {@code subscribe} returns, is already complete.
     */
    default CompletableFuture<Void> ready() {
        return READY;
    }

    /** The completed future of {@link #ready()}. */
    CompletableFuture<Void> READY = CompletableFuture.completedFuture(null);

    @Override
    void close();
}
