package dev.locksmith.spi.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TtlsTest {

    @Test
    void roundsUpToWholeUnitsAndNeverBelowOne() {
        assertThat(Ttls.millisUp(Duration.ofNanos(1))).isEqualTo(1);
        assertThat(Ttls.millisUp(Duration.ofMillis(1))).isEqualTo(1);
        assertThat(Ttls.millisUp(Duration.ofNanos(1_500_000))).isEqualTo(2);
        assertThat(Ttls.millisUp(Duration.ofSeconds(30))).isEqualTo(30_000);
        assertThat(Ttls.unitsUp(Duration.ofMillis(250), Duration.ofMillis(100))).isEqualTo(3);
        assertThat(Ttls.unitsUp(Duration.ofMillis(300), Duration.ofMillis(100))).isEqualTo(3);
    }

    @Test
    void saturatesInsteadOfOverflowing() {
        assertThat(Ttls.millisUp(Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void rejectsAnEmptyLease() {
        assertThatThrownBy(() -> Ttls.millisUp(Duration.ZERO)).hasMessageContaining("ttl");
    }
}
