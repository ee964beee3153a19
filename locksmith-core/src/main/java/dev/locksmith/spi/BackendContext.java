package dev.locksmith.spi;

import dev.locksmith.TimeSource;
import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link BackendProvider} gets besides the URI.
 *
 * @param timeSource the client's clock and timer (the in-memory store also uses it as server time)
 * @param connectTimeout how long opening a connection may take before failing
 */
public record BackendContext(TimeSource timeSource, Duration connectTimeout) {
    public BackendContext {
        Objects.requireNonNull(timeSource, "timeSource");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
    }
}
