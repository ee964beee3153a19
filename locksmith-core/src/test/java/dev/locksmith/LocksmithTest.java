package dev.locksmith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LocksmithTest {

    @Test
    void unknownSchemeListsTheKnownOnes() {
        assertThatThrownBy(() -> Locksmith.connect("nosuch://x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown backend scheme 'nosuch'")
                .hasMessageContaining("mem");
        assertThat(Locksmith.knownSchemes()).contains("mem");
    }

    @Test
    void malformedOrSchemelessUrisAreRejected() {
        assertThatThrownBy(() -> Locksmith.connect("redis://bad host")).hasMessageContaining("uri");
        assertThatThrownBy(() -> Locksmith.connect("no-scheme")).hasMessageContaining("scheme");
        assertThatThrownBy(() -> Locksmith.builder().build()).hasMessageContaining("uri");
    }

    @Test
    void bareMemIsPrivateAndNamedMemIsSharedInTheJvm() {
        try (Locksmith a = Locksmith.connect("mem:");
                Locksmith b = Locksmith.connect("mem:");
                Locksmith c = Locksmith.connect("mem:shared-test");
                Locksmith d = Locksmith.connect("mem:shared-test")) {
            try (Lease lease = a.lock("x").acquire(Duration.ZERO)) {
                assertThat(b.lock("x").isLocked()).as("another private store").isFalse();
                assertThat(lease.isValid()).isTrue();
            }
            try (Lease lease = c.lock("x").acquire(Duration.ZERO)) {
                assertThat(d.lock("x").isLocked()).as("the same named store").isTrue();
            }
        }
    }

    @Test
    void namespacesSeparateClientsOfOneStore() {
        try (Locksmith a = Locksmith.builder()
                        .uri("mem:ns-test")
                        .namespace("app-a")
                        .build();
                Locksmith b = Locksmith.builder()
                        .uri("mem:ns-test")
                        .namespace("app-b")
                        .build()) {
            try (Lease lease = a.lock("job").acquire(Duration.ZERO)) {
                assertThat(b.lock("job").tryAcquire()).isPresent().get().satisfies(Lease::close);
                assertThat(a.list()).extracting(LockInfo::name).containsExactly("job");
            }
        }
        assertThatThrownBy(() -> Locksmith.builder().namespace("has space"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("namespace");
    }

    @Test
    void optionsAreImmutableAndValidated() {
        LockOptions base = LockOptions.defaults();
        LockOptions changed =
                base.toBuilder().ttl(Duration.ofSeconds(3)).autoExtend(false).build();
        assertThat(base.ttl()).isEqualTo(LockOptions.DEFAULT_TTL);
        assertThat(base.autoExtend()).isTrue();
        assertThat(changed.ttl()).isEqualTo(Duration.ofSeconds(3));
        assertThat(changed.owner()).isEmpty();
        assertThatThrownBy(() -> LockOptions.builder().owner("x".repeat(129))).hasMessageContaining("owner");
        assertThatThrownBy(() -> StateOptions.builder().valueTtl(Duration.ZERO)).hasMessageContaining("valueTtl");
        assertThatThrownBy(() -> Locksmith.builder().connectTimeout(Duration.ZERO))
                .hasMessageContaining("connectTimeout");
    }

    @Test
    void codecsRoundTrip() {
        assertThat(Codec.longs().decode(Codec.longs().encode(-42L))).isEqualTo(-42L);
        assertThat(Codec.strings().decode(Codec.strings().encode("héllo"))).isEqualTo("héllo");
        assertThat(Codec.bytes().decode(Codec.bytes().encode(new byte[] {1, 2})))
                .containsExactly(1, 2);
        assertThatThrownBy(() -> Codec.longs().decode(new byte[3])).hasMessageContaining("8 bytes");
    }
}
