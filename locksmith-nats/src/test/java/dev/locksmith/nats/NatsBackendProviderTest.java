package dev.locksmith.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.LeaseKind;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** URI parsing and key encoding, without a server. */
class NatsBackendProviderTest {

    @Test
    void parsesServersCredentialsAndSettings() {
        var p = NatsBackendProvider.parse(URI.create(
                "nats://al%40ice:p%3Ass@h1:4223,h2?bucket=app-locks&replicas=3&requestTimeout=2s&reconnectWait=1s"));
        assertThat(p.servers()).containsExactly("nats://h1:4223", "nats://h2:4222");
        assertThat(p.user()).isEqualTo("al@ice");
        assertThat(p.password()).isEqualTo("p:ss");
        assertThat(p.token()).isNull();
        assertThat(p.tls()).isFalse();
        assertThat(p.reconnectWait()).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.options().bucket()).isEqualTo("app-locks");
        assertThat(p.options().replicas()).isEqualTo(3);
        assertThat(p.options().requestTimeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void defaultsTokenAndTls() {
        var p = NatsBackendProvider.parse(URI.create("tls://tok@host/"));
        assertThat(p.servers()).containsExactly("tls://host:4222");
        assertThat(p.token()).isEqualTo("tok");
        assertThat(p.tls()).isTrue();
        assertThat(p.options().bucket()).isEqualTo(NatsOptions.DEFAULT_BUCKET);
        assertThat(p.options().replicas()).isEqualTo(1);
        assertThat(p.options().requestTimeout()).isEqualTo(NatsOptions.DEFAULT_REQUEST_TIMEOUT);
        assertThat(NatsBackendProvider.parse(URI.create("nats://h?tls=true")).servers())
                .containsExactly("tls://h:4222");
    }

    @Test
    void badUrisNameWhatIsWrongAndHideThePassword() {
        assertThatThrownBy(() -> NatsBackendProvider.parse(URI.create("nats://u:secret@h:0")))
                .hasMessageContaining("port must be a number from 1 to 65535")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret"));
        assertThatThrownBy(() -> NatsBackendProvider.parse(URI.create("nats://h?Bucket=x")))
                .hasMessageContaining("did you mean bucket");
        assertThatThrownBy(() -> NatsBackendProvider.parse(URI.create("nats://h?bucket=a.b")))
                .hasMessageContaining("bucket must be 1 to 64 of the characters");
        assertThatThrownBy(() -> NatsBackendProvider.parse(URI.create("nats://h?replicas=0")))
                .hasMessageContaining("replicas");
        assertThatThrownBy(() -> NatsBackendProvider.parse(URI.create("nats://h,,h2")))
                .hasMessageContaining("empty server");
        assertThatThrownBy(() -> NatsBackendProvider.parse(URI.create("nats://h/x")))
                .hasMessageContaining("no path");
    }

    @Test
    void anyNameBecomesAValidKeyAndBack() {
        for (String key : List.of("ns/a..b", "ns/trailing.", "ns/.lead", "ns/sp ace*>", "ns/ünï-cødé 🔒", "ns/_x_2E")) {
            String enc = KeyNames.encode(key);
            assertThat(enc).matches("[-/_=a-zA-Z0-9]+");
            assertThat(KeyNames.decode(enc)).isEqualTo(key);
            String rk = KeyNames.recordKey(LeaseKind.PERMIT, key);
            assertThat(KeyNames.kindOf(rk)).isEqualTo(LeaseKind.PERMIT);
            assertThat(KeyNames.keyOf(rk)).isEqualTo(key);
        }
    }

    @Test
    void recordsRoundTrip() {
        var rec = new GrantRecord(
                true,
                3,
                7,
                List.of(
                        new GrantRecord.Grant("owner\u00e9 1", "id1", 500, 0),
                        new GrantRecord.Grant("o2", "id2", 3000, 5)),
                new GrantRecord.Value(5, null, 0, new byte[] {0, 1, 2}));
        var back = GrantRecord.decode(rec.encode());
        assertThat(GrantRecord.releasedFlag(rec.encode())).isTrue();
        assertThat(back.maxPermits).isEqualTo(3);
        assertThat(back.grants).isEqualTo(rec.grants);
        assertThat(back.value.bytes()).containsExactly(0, 1, 2);
        assertThat(back.resolved(42).grants.get(0).token()).isEqualTo(42);
        assertThat(back.fence(42)).isEqualTo(42);
    }
}
