package dev.locksmith.testkit;

import dev.locksmith.Locksmith;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Nested;

/**
 * The whole conformance suite for one store configuration, as nested contracts: a backend module
 * writes one subclass per configuration (say {@code RedisConformanceIT}, {@code
 * RedisClusterConformanceIT}) and says how to reach the store; every contract then runs against
 * it. Hooks have the contracts' defaults; a store with coarse TTLs overrides {@link #shortTtl()}.
 *
 * <p>Stores reached over TCP also implement {@link #storeAddress()} and {@link
 * #clientBuilderVia(int)}, so that the transient-failure contract can cut their connections
 * through a {@link TcpProxy}; without them it is skipped.
 */
public abstract class Conformance {

    /** For backend modules to subclass. */
    protected Conformance() {}

    /** A builder with {@code uri(...)} or {@code backend(...)} set; the testkit sets the namespace. */
    protected abstract Locksmith.Builder clientBuilder();

    /** A lease short enough to wait out in a test, long enough for the store to grant and renew it. */
    protected Duration shortTtl() {
        return Duration.ofMillis(500);
    }

    /** Called after each test with its namespace, for stores that keep keys (such as fencing counters). */
    protected void cleanUp(String namespace) {}

    /** Rounds of the lock contention test; the contract's default unless overridden. */
    protected int lockContentionRounds() {
        return 500;
    }

    /** Rounds of the semaphore contention test. */
    protected int semaphoreContentionRounds() {
        return 50;
    }

    /** Rounds of the guarded-state update test. */
    protected int updateRounds() {
        return GuardedStateContract.DEFAULT_UPDATE_ROUNDS;
    }

    /** The store's TCP address, for fault tests through a proxy; {@code null} when it has none. */
    protected InetSocketAddress storeAddress() {
        return null;
    }

    /** A builder like {@link #clientBuilder()} whose client reaches the store at {@code 127.0.0.1:port}. */
    protected Locksmith.Builder clientBuilderVia(int port) {
        throw new UnsupportedOperationException("this store has no TCP address");
    }

    @Nested
    class Locks extends LockContract {
        @Override
        Conformance conformance() {
            return Conformance.this;
        }

        @Override
        protected int contentionRounds() {
            return lockContentionRounds();
        }
    }

    @Nested
    class Expiry extends ExpiryContract {
        @Override
        Conformance conformance() {
            return Conformance.this;
        }
    }

    @Nested
    class Notifications extends NotificationContract {
        @Override
        Conformance conformance() {
            return Conformance.this;
        }
    }

    @Nested
    class Semaphores extends SemaphoreContract {
        @Override
        Conformance conformance() {
            return Conformance.this;
        }

        @Override
        protected int contentionRounds() {
            return semaphoreContentionRounds();
        }
    }

    @Nested
    class GuardedState extends GuardedStateContract {
        @Override
        Conformance conformance() {
            return Conformance.this;
        }

        @Override
        protected int updateRounds() {
            return Conformance.this.updateRounds();
        }
    }

    @Nested
    class BadInput extends BadInputContract {
        @Override
        Conformance conformance() {
            return Conformance.this;
        }
    }

    @Nested
    class Closing extends CloseContract {
        @Override
        Conformance conformance() {
            return Conformance.this;
        }
    }

    @Nested
    class Losses extends LossContract {
        @Override
        Conformance conformance() {
            return Conformance.this;
        }
    }

    @Nested
    class TransientFailures extends TransientFailureContract {
        @Override
        Conformance conformance() {
            return Conformance.this;
        }

        @Override
        protected InetSocketAddress storeAddress() {
            return Conformance.this.storeAddress();
        }

        @Override
        protected Locksmith.Builder clientBuilderVia(int port) {
            return Conformance.this.clientBuilderVia(port);
        }
    }
}
