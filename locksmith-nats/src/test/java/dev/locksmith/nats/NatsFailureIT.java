package dev.locksmith.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.BackendException;
import dev.locksmith.Lease;
import dev.locksmith.LockInfo;
import dev.locksmith.LockOptions;
import dev.locksmith.Locksmith;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Servers of the tests' own, on private ports and store directories: restarts and crashes keep
 * grants and tokens; a server down during an acquire gives a clear error within the deadline and no
 * phantom hold once it is back.
 */
class NatsFailureIT {
    private static final LockOptions LONG =
            LockOptions.builder().ttl(Duration.ofSeconds(60)).autoExtend(false).build();

    private NatsTestSupport.Server server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private Locksmith client() {
        return Locksmith.builder()
                .uri(server.uri("locksmith"))
                .namespace("fail")
                .build();
    }

    private void awaitConnected(Locksmith c, String name) {
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            try {
                c.lock(name).inspect();
                return;
            } catch (BackendException e) {
                if (System.nanoTime() > end) {
                    throw e;
                }
                NatsTestSupport.pause(50);
            }
        }
    }

    @Test
    void grantsAndTokensSurviveARestartAndACrash() {
        server = NatsTestSupport.Server.jetStream();
        // the holder stays open throughout: closing a client releases its leases
        try (Locksmith a = client()) {
            Lease lock = a.lock("kept", LONG).acquire(Duration.ZERO);
            Lease permit = a.semaphore("pool", 3, LONG).acquire(Duration.ZERO);
            long lockToken = lock.fencingToken();
            long permitToken = permit.fencingToken();
            server.stop();
            server.start();
            long afterRestart;
            try (Locksmith b = client()) {
                awaitConnected(b, "kept");
                Optional<LockInfo> held = b.lock("kept").inspect();
                assertThat(held).as("the lock is still held after a restart").isPresent();
                assertThat(held.get().owner()).isEqualTo(lock.owner());
                assertThat(held.get().fencingToken()).isEqualTo(lockToken);
                assertThat(b.semaphore("pool", 3).inspect().active()).isEqualTo(1);
                try (Lease fresh = b.lock("fresh", LONG).acquire(Duration.ofSeconds(5))) {
                    assertThat(fresh.fencingToken()).isGreaterThan(Math.max(lockToken, permitToken));
                    afterRestart = fresh.fencingToken();
                }
            }
            server.kill();
            server.start();
            try (Locksmith c = client()) {
                awaitConnected(c, "kept");
                assertThat(c.lock("kept").inspect())
                        .as("the lock is still held after a crash")
                        .isPresent();
                assertThat(c.lock("kept").inspect().get().fencingToken()).isEqualTo(lockToken);
                assertThat(c.semaphore("pool", 3).inspect().active()).isEqualTo(1);
                try (Lease again = c.lock("fresh", LONG).acquire(Duration.ofSeconds(5))) {
                    assertThat(again.fencingToken()).isGreaterThan(afterRestart);
                }
                awaitConnected(a, "kept");
                assertThat(lock.release())
                        .as("the holder releases after the crash")
                        .isTrue();
                assertThat(permit.release()).isTrue();
                assertThat(c.lock("kept").inspect()).isEmpty();
            }
        }
    }

    @Test
    void aServerDownDuringAnAcquireGivesAClearErrorInTimeAndNoPhantomHold() {
        server = NatsTestSupport.Server.jetStream();
        try (Locksmith a = client()) {
            a.lock("warm", LONG).acquire(Duration.ZERO).release();
            server.stop();
            long start = System.nanoTime();
            assertThatThrownBy(() -> a.lock("down", LONG).acquire(Duration.ofSeconds(1)))
                    .isInstanceOf(BackendException.class)
                    .hasMessageContaining("NATS");
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).as("the error comes within the deadline").isLessThan(Duration.ofMillis(2500));
            server.start();
            try (Locksmith b = client()) {
                awaitConnected(b, "down");
                assertThat(b.lock("down").inspect())
                        .as("no phantom hold once the server is back")
                        .isEmpty();
                awaitConnected(a, "down");
                NatsTestSupport.pause(500); // a buffered publish would have landed by now
                assertThat(b.lock("down").inspect())
                        .as("no phantom hold once the client reconnected")
                        .isEmpty();
                try (Lease lease = b.lock("down", LONG).acquire(Duration.ofSeconds(5))) {
                    assertThat(lease.isValid()).isTrue();
                }
            }
        }
    }

    @Test
    void badInputGivesAnErrorNamingWhatToFix() {
        for (String uri : List.of(
                "nats://",
                "nats://127.0.0.1:99999",
                "nats://127.0.0.1:4222/path",
                "nats://127.0.0.1:4222?bogus=1",
                "nats://127.0.0.1:4222?replicas=9",
                "nats://127.0.0.1:4222?bucket=a.b")) {
            assertThatThrownBy(() -> Locksmith.connect(uri))
                    .as(uri)
                    .isInstanceOf(IllegalArgumentException.class)
                    .satisfies(
                            e -> assertThat(e.getMessage()).matches("(?s).*(uri|port|path|setting|replicas|bucket).*"));
        }
        int free = NatsTestSupport.freePort();
        assertThatThrownBy(() -> Locksmith.builder()
                        .uri("nats://127.0.0.1:" + free)
                        .connectTimeout(Duration.ofSeconds(2))
                        .build())
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("cannot connect to NATS at nats://127.0.0.1:" + free)
                .hasMessageContaining("is nats-server running");
    }

    @Test
    void wrongCredentialsAreRefusedWithoutShowingThePassword() throws Exception {
        server = new NatsTestSupport.Server(
                        java.nio.file.Files.createTempDirectory("locksmith-nats-"),
                        List.of("-js", "--user", "lock", "--pass", "s3cret"))
                .start();
        assertThatThrownBy(() -> Locksmith.builder()
                        .uri("nats://lock:wrong-pass@127.0.0.1:" + server.port)
                        .connectTimeout(Duration.ofSeconds(3))
                        .build())
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("credentials")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrong-pass"));
        try (Locksmith ok = Locksmith.builder()
                .uri("nats://lock:s3cret@127.0.0.1:" + server.port)
                .namespace("cred")
                .build()) {
            ok.lock("x", LONG).acquire(Duration.ZERO).release();
        }
    }

    @Test
    void aServerWithoutJetStreamIsNamedAsSuch() throws Exception {
        server = new NatsTestSupport.Server(java.nio.file.Files.createTempDirectory("locksmith-nats-"), List.of())
                .start();
        assertThatThrownBy(() -> Locksmith.connect("nats://127.0.0.1:" + server.port))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("JetStream is not enabled")
                .hasMessageContaining("-js");
    }
}
