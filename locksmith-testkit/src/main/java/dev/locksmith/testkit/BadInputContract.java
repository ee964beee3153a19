package dev.locksmith.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.Codec;
import dev.locksmith.LockOptions;
import dev.locksmith.Locksmith;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Bad arguments fail fast with a message naming the parameter, and leave nothing held. */
public abstract class BadInputContract extends LocksmithContract {

    /** For backend modules to subclass. */
    protected BadInputContract() {}

    private Locksmith client;

    private Locksmith client() {
        if (client == null) {
            client = newClient();
        }
        return client;
    }

    @AfterEach
    void nothingHeld() {
        if (client != null) {
            try {
                assertThat(newClient().list()).as("locks left held").isEmpty();
            } finally {
                client = null;
            }
        }
    }

    @Test
    void nullBlankAndTooLongNamesAreRejected() {
        assertThatThrownBy(() -> client().lock(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("name");
        assertThatThrownBy(() -> client().lock("  "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name");
        assertThatThrownBy(() -> client().lock("a\nb"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name");
        String tooLong = "x".repeat(Locksmith.MAX_NAME_LENGTH + 1);
        assertThatThrownBy(() -> client().lock(tooLong))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name")
                .hasMessageContaining(String.valueOf(Locksmith.MAX_NAME_LENGTH));
        assertThatThrownBy(() -> client().semaphore("", 1)).hasMessageContaining("name");
        assertThatThrownBy(() -> client().state(" ", Codec.longs(), 0L)).hasMessageContaining("name");
        // the longest allowed name works
        client().lock("y".repeat(Locksmith.MAX_NAME_LENGTH))
                .acquire(Duration.ZERO)
                .close();
    }

    @Test
    void zeroOrNegativeTtlIsRejected() {
        assertThatThrownBy(() -> LockOptions.builder().ttl(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ttl");
        assertThatThrownBy(() -> LockOptions.builder().ttl(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ttl");
        assertThatThrownBy(() -> LockOptions.builder().ttl(null)).isInstanceOf(NullPointerException.class);
        try (var lease = client().lock("ttl").acquire(Duration.ZERO)) {
            assertThatThrownBy(() -> lease.extend(Duration.ZERO)).hasMessageContaining("ttl");
            assertThat(lease.isValid()).isTrue();
        }
    }

    @Test
    void negativeWaitIsRejected() {
        assertThatThrownBy(() -> client().lock("wait").acquire(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxWait");
        assertThatThrownBy(() -> client().lock("wait").acquireAsync(Duration.ofMillis(-1)))
                .hasMessageContaining("maxWait");
        assertThatThrownBy(() -> client().semaphore("wait", 2).acquire(Duration.ofMillis(-1)))
                .hasMessageContaining("maxWait");
        assertThat(client().lock("wait").isLocked()).isFalse();
    }

    @Test
    void permitsBelowOneAreRejected() {
        assertThatThrownBy(() -> client().semaphore("sem", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("permits");
        assertThatThrownBy(() -> client().semaphore("sem", -3)).hasMessageContaining("permits");
    }

    @Test
    void closedClientIsRejected() {
        Locksmith closing = newClient();
        var lease = closing.lock("closing").acquire(Duration.ZERO);
        closing.close();
        closing.close(); // idempotent
        assertThat(lease.isValid()).as("lease of a closed client").isFalse();
        assertThatThrownBy(() -> closing.lock("closed"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(closing::list).isInstanceOf(IllegalStateException.class);
        lease.close(); // never throws once lost
        assertThat(client().lock("closing").isLocked()).as("released on close").isFalse();
    }

    @Test
    void namesAndOwnersThatCannotBeStoredExactlyAreRejected() {
        // a lone surrogate has no UTF-8 form: stored as '?', two names or owners would collide
        assertThatThrownBy(() -> client().lock("svc-\ud800"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name")
                .hasMessageContaining("surrogate");
        assertThatThrownBy(() -> client().lock("\udfffx")).hasMessageContaining("name");
        assertThatThrownBy(() -> client().semaphore("\ud800", 2)).hasMessageContaining("name");
        assertThatThrownBy(() -> LockOptions.builder().owner("svc-\udfff"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("owner");
        // a proper pair is text, and works
        String emoji = "job-\ud83d\udd12";
        try (var lease = client().lock(emoji).acquire(Duration.ZERO)) {
            assertThat(client().lock(emoji).inspect()).isPresent();
        }
    }

    @Test
    void aTtlBeyondTheMaximumIsAnArgumentErrorOnEveryStore() {
        assertThatThrownBy(() -> LockOptions.builder().ttl(Duration.ofSeconds(Long.MAX_VALUE)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ttl must be at most");
        assertThatThrownBy(() -> dev.locksmith.StateOptions.builder().valueTtl(LockOptions.MAX_TTL.plusSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("valueTtl");
        try (var lease = client().lock("long").acquire(Duration.ZERO)) {
            assertThatThrownBy(() -> lease.extend(Duration.ofSeconds(Long.MAX_VALUE)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("ttl");
            assertThat(lease.isValid()).isTrue();
        }
    }

    @Test
    void aCodecThatEncodesNullIsAnArgumentError() {
        Codec<String> broken = new Codec<>() {
            @Override
            public byte[] encode(String value) {
                return null;
            }

            @Override
            public String decode(byte[] bytes) {
                return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
            }
        };
        var state = client().state("codec", broken, "x");
        assertThatThrownBy(() -> state.update(v -> v + "y"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("codec");
        assertThat(client().lock("codec").isLocked())
                .as("the update's lease was released")
                .isFalse();
    }
}
