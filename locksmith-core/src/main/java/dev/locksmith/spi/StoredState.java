package dev.locksmith.spi;

import java.util.Objects;

/**
 * A guarded value as stored.
 *
 * @param value the encoded value
 * @param fencingToken the token of the grant that wrote it
 */
public record StoredState(byte[] value, long fencingToken) {
    public StoredState {
        Objects.requireNonNull(value, "value");
    }
}
