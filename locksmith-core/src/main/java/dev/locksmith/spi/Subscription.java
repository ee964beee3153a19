package dev.locksmith.spi;

/** A registration for release notifications. Closing it is idempotent. */
@FunctionalInterface
public interface Subscription extends AutoCloseable {

    /** A subscription that receives nothing, for stores without notifications. */
    Subscription NONE = () -> {};

    @Override
    void close();
}
