package dev.locksmith.nats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.Lease;
import dev.locksmith.LockInfo;
import dev.locksmith.Locksmith;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A backend on the caller's own connection, and names that are not valid NATS keys as they are. */
class NatsBackendIT {
    private static final String BUCKET = NatsTestSupport.randomBucket();

    @AfterAll
    static void deleteBuckets() {
        NatsTestSupport.deleteBuckets(NatsTestSupport.PORT, BUCKET);
    }

    @Test
    void aUserConnectionIsUsedAndNeverClosed() throws Exception {
        try (Connection nc = NatsTestSupport.connect(NatsTestSupport.PORT)) {
            NatsBackend backend =
                    NatsBackend.create(nc, NatsOptions.builder().bucket(BUCKET).build());
            try (Locksmith ls =
                    Locksmith.builder().backend(backend).namespace("own").build()) {
                try (Lease lease = ls.lock("job").acquire(Duration.ZERO)) {
                    assertThat(lease.fencingToken()).isPositive();
                }
            }
            backend.close();
            assertThat(nc.getStatus()).as("the caller's connection stays open").isEqualTo(Connection.Status.CONNECTED);
            assertThat(backend.connection()).isSameAs(nc);
        }
    }

    @Test
    void anyNameTheApiAcceptsIsALockOnNats() {
        List<String> names = List.of("a..b", "trailing.", ".lead", "sp ace*>", "ünï-cødé 🔒", "x/y/z", "_2E");
        try (Locksmith ls = Locksmith.builder()
                .uri(NatsTestSupport.uri(NatsTestSupport.PORT, BUCKET))
                .namespace("names")
                .build()) {
            long last = 0;
            for (String name : names) {
                Lease lease = ls.lock(name).acquire(Duration.ZERO);
                assertThat(lease.fencingToken()).isGreaterThan(last);
                last = lease.fencingToken();
            }
            assertThat(ls.list()).extracting(LockInfo::name).containsExactlyInAnyOrderElementsOf(names);
            for (String name : names) {
                assertThat(ls.forceRelease(name)).hasSize(1);
            }
            assertThat(ls.list()).isEmpty();
        }
    }
}
