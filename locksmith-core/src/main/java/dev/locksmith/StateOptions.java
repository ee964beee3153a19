package dev.locksmith;

import dev.locksmith.internal.Args;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link GuardedState} is locked and how long its value lives. Immutable and thread-safe.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>default</th><th>allowed</th></tr>
 *   <tr><td>{@code lockOptions}</td><td>{@link LockOptions#defaults()}</td><td>any</td></tr>
 *   <tr><td>{@code valueTtl}</td><td>none: the value is kept until overwritten</td><td>positive</td></tr>
 * </table>
 */
public final class StateOptions {
    private static final StateOptions DEFAULTS = new Builder().build();

    private final LockOptions lockOptions;
    private final Duration valueTtl;

    private StateOptions(Builder b) {
        this.lockOptions = b.lockOptions;
        this.valueTtl = b.valueTtl;
    }

    public static StateOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options of the lock that guards the value. */
    public LockOptions lockOptions() {
        return lockOptions;
    }

    /** How long a written value lives after its last write, independent of the lock's TTL; empty for ever. */
    public Optional<Duration> valueTtl() {
        return Optional.ofNullable(valueTtl);
    }

    /** Builds {@link StateOptions}. Not thread-safe. */
    public static final class Builder {
        private LockOptions lockOptions = LockOptions.defaults();
        private Duration valueTtl;

        private Builder() {}

        public Builder lockOptions(LockOptions lockOptions) {
            this.lockOptions = Objects.requireNonNull(lockOptions, "lockOptions");
            return this;
        }

        /** Expiry of the stored value; {@code null} keeps it until overwritten. */
        public Builder valueTtl(Duration valueTtl) {
            this.valueTtl = valueTtl == null
                    ? null
                    : Args.atMost(Args.positive(valueTtl, "valueTtl"), LockOptions.MAX_TTL, "valueTtl");
            return this;
        }

        public StateOptions build() {
            return new StateOptions(this);
        }
    }
}
