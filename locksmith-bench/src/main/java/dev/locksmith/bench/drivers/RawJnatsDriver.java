package dev.locksmith.bench.drivers;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/**
 * The NATS floor: a JetStream key-value lock with no lease, no fencing and no waiting beyond
 * polling. Acquire writes the key only if it is absent or deleted (a compare-and-set on the delete
 * marker's revision); release deletes it only at the revision it wrote. One connection per run,
 * shared by the threads (jnats connections are thread-safe), in a bucket of its own with file
 * storage, deleted at the end.
 */
public final class RawJnatsDriver extends PeerDriver {
    private final String uri;

    public RawJnatsDriver(String uri) {
        super("raw-jnats", "nats", "polls every " + Polling.INTERVAL.toMillis() + " ms");
        this.uri = uri;
    }

    @Override
    public Session open(int concurrency) {
        try {
            Connection c = Nats.connect(new Options.Builder().server(uri).build());
            String bucket = "rawfloor" + Names.randomNamespace().replaceAll("[^A-Za-z0-9]", "");
            KeyValueManagement kvm = c.keyValueManagement();
            kvm.create(KeyValueConfiguration.builder()
                    .name(bucket)
                    .storageType(StorageType.File)
                    .build());
            KeyValue kv = c.keyValue(bucket);
            return new Session() {
                @Override
                public Held lock(String name, Duration maxWait) {
                    String key = name.replaceAll("[^A-Za-z0-9_-]", "_");
                    byte[] owner = UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8);
                    return Polling.until(maxWait, () -> {
                        long rev = tryWrite(kv, key, owner);
                        return rev < 0 ? null : () -> delete(kv, key, rev);
                    });
                }

                @Override
                public void close() {
                    try {
                        kvm.delete(bucket);
                        c.close();
                    } catch (IOException | JetStreamApiException | InterruptedException e) {
                        if (e instanceof InterruptedException) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }
            };
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException("cannot open the raw jnats floor at " + uri + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The revision written, or -1 when the key is held. */
    private static long tryWrite(KeyValue kv, String key, byte[] owner) {
        try {
            KeyValueEntry e = kv.get(key);
            if (e == null) {
                return kv.create(key, owner);
            }
            if (e.getOperation() == KeyValueOperation.PUT) {
                return -1;
            }
            return kv.update(key, owner, e.getRevision());
        } catch (JetStreamApiException e) {
            return -1; // someone else wrote first
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void delete(KeyValue kv, String key, long revision) {
        try {
            kv.delete(key, revision);
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException(e);
        }
    }
}
