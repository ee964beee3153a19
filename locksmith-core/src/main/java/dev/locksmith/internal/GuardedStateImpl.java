package dev.locksmith.internal;

import dev.locksmith.Codec;
import dev.locksmith.GuardedState;
import dev.locksmith.Lease;
import dev.locksmith.LeaseKind;
import dev.locksmith.LeaseLoss;
import dev.locksmith.LockLostException;
import dev.locksmith.LockOptions;
import dev.locksmith.StaleFencingTokenException;
import dev.locksmith.StateOptions;
import dev.locksmith.spi.AcquireResult;
import dev.locksmith.spi.Holders;
import dev.locksmith.spi.StoredState;
import dev.locksmith.spi.WriteOutcome;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/** {@link GuardedState} on the engine: the value lives beside the lock of the same name. */
final class GuardedStateImpl<T> implements GuardedState<T> {
    private final Engine engine;
    private final String name;
    private final String key;
    private final Codec<T> codec;
    private final T initialValue;
    private final Duration valueTtl;
    private final LockOptions lockOptions;
    private final LockHandle lock;

    GuardedStateImpl(Engine engine, String name, Codec<T> codec, T initialValue, StateOptions options) {
        this.engine = engine;
        this.name = name;
        this.key = engine.key(name);
        this.codec = codec;
        this.initialValue = initialValue;
        this.valueTtl = options.valueTtl().orElse(null);
        this.lockOptions = options.lockOptions();
        this.lock = new LockHandle(engine, name, lockOptions);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public T get() {
        engine.checkOpen();
        return read();
    }

    private T read() {
        Optional<StoredState> stored =
                engine.call(name, () -> engine.guardedStore().readState(key));
        return stored.map(s -> codec.decode(s.value())).orElse(initialValue);
    }

    @Override
    public T update(UnaryOperator<T> update) {
        Objects.requireNonNull(update, "update");
        try (StateHandle<T> handle = acquire()) {
            return apply(handle, update);
        }
    }

    private T apply(StateHandle<T> handle, UnaryOperator<T> update) {
        T next = Objects.requireNonNull(update.apply(handle.value()), "update returned null");
        handle.set(next);
        handle.commit();
        return next;
    }

    @Override
    public CompletableFuture<T> updateAsync(UnaryOperator<T> update) {
        Objects.requireNonNull(update, "update");
        return lock.op(null, false)
                .startAsync()
                .future()
                .thenApplyAsync(
                        lease -> {
                            try (StateHandle<T> handle = new Handle(lease, read())) {
                                return apply(handle, update);
                            }
                        },
                        engine.executor());
    }

    @Override
    public StateHandle<T> acquire() {
        return open(lock.acquire());
    }

    @Override
    public StateHandle<T> acquire(Duration maxWait) {
        return open(lock.acquire(maxWait));
    }

    private StateHandle<T> open(Lease lease) {
        try {
            return new Handle(lease, read());
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    @Override
    public T awaitUnlocked(Duration maxWait) {
        Args.nonNegative(maxWait, "maxWait");
        return awaitOp(maxWait).startInline().await();
    }

    @Override
    public CompletableFuture<T> awaitUnlockedAsync(Duration maxWait) {
        Args.nonNegative(maxWait, "maxWait");
        return awaitOp(maxWait).startAsync().future();
    }

    /** Waits like an acquisition whose attempt succeeds when nobody holds the lock. */
    private AcquireOp<T> awaitOp(Duration maxWait) {
        engine.checkOpen();
        return new AcquireOp<>(
                engine,
                LeaseKind.LOCK,
                name,
                key,
                null,
                lockOptions.retry(),
                maxWait,
                false,
                (watch, timeout) -> {
                    Holders holders = watch && engine.waitQueue().isPresent()
                            ? engine.waitQueue().get().inspectOrWatch(key)
                            : engine.backend().inspect(LeaseKind.LOCK, key);
                    return holders.isFree()
                            ? AcquireResult.acquired(0, Duration.ZERO)
                            : AcquireResult.held(
                                    holders.first().owner(), holders.first().remaining());
                },
                (r, sentAt) -> read(),
                null);
    }

    private final class Handle implements StateHandle<T> {
        private final LeaseImpl lease;
        private T value;

        /** Leases come from this engine's {@link LockHandle}, so they are always {@link LeaseImpl}. */
        Handle(Lease lease, T value) {
            this.lease = (LeaseImpl) lease;
            this.value = value;
        }

        @Override
        public T value() {
            return value;
        }

        @Override
        public void set(T newValue) {
            this.value = Objects.requireNonNull(newValue, "value");
        }

        @Override
        public void commit() {
            byte[] bytes = codec.encode(value);
            if (bytes == null) {
                throw new IllegalArgumentException("codec must not encode a value as null (state '" + name + "')");
            }
            WriteOutcome outcome = engine.call(name, () -> engine.guardedStore()
                    .writeState(key, lease.owner(), lease.fencingToken(), bytes, valueTtl));
            if (outcome == WriteOutcome.WRITTEN) {
                return;
            }
            // either way the store says this lease no longer holds the lock
            lease.markLost(LeaseLoss.Reason.NOT_HELD, null);
            if (outcome == WriteOutcome.STALE_TOKEN) {
                throw new StaleFencingTokenException(name, lease.fencingToken());
            }
            throw new LockLostException(lease.whenLost().join());
        }

        @Override
        public Lease lease() {
            return lease;
        }

        @Override
        public void close() {
            lease.close();
        }
    }
}
