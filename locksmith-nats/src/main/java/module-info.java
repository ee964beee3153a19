/**
 * NATS JetStream backend for Locksmith: grants in key-value buckets with file storage, fencing
 * tokens from entry revisions, expiry judged by the server. Opened by {@code
 * Locksmith.connect("nats://...")} through {@link dev.locksmith.nats.NatsBackendProvider}, or built
 * around a caller's own connection with {@link dev.locksmith.nats.NatsBackend#create}.
 */
module dev.locksmith.nats {
    requires transitive dev.locksmith.core;
    requires transitive io.nats.jnats;

    exports dev.locksmith.nats;

    provides dev.locksmith.spi.BackendProvider with
            dev.locksmith.nats.NatsBackendProvider;
}
