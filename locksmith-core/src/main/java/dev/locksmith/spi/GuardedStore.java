package dev.locksmith.spi;

import java.time.Duration;
import java.util.Optional;

/** Role: values that only the current holder of a key's lock can write (guarded state). */
public interface GuardedStore {

    /** The guarded value of {@code key}, or empty if never written (or expired). */
    Optional<StoredState> readState(String key);

    /**
     * Writes the guarded value of {@code key} in one atomic step, only if the lock {@code key} is
     * held right now by {@code owner} with {@code fencingToken}.
     *
     * @param valueTtl how long the value lives, or {@code null} for ever
     */
    WriteOutcome writeState(String key, String owner, long fencingToken, byte[] value, Duration valueTtl);
}
