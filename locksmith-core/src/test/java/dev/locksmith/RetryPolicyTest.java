package dev.locksmith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private static final Duration ZERO = Duration.ZERO;

    private static Optional<Duration> ms(long ms) {
        return Optional.of(Duration.ofMillis(ms));
    }

    @Test
    void noneNeverRetries() {
        assertThat(RetryPolicy.none().nextDelay(1, ZERO, ZERO)).isEmpty();
    }

    @Test
    void fixedWithCountAllowsThatManyRetries() {
        RetryPolicy p = RetryPolicy.fixed(Duration.ofMillis(50), 2);
        assertThat(p.nextDelay(1, ZERO, ZERO)).isEqualTo(ms(50));
        assertThat(p.nextDelay(2, ZERO, ZERO)).isEqualTo(ms(50));
        assertThat(p.nextDelay(3, ZERO, ZERO)).isEmpty();
        assertThat(RetryPolicy.fixed(Duration.ofMillis(50), 0).nextDelay(1, ZERO, ZERO))
                .isEmpty();
    }

    @Test
    void exponentialDoublesAndCaps() {
        RetryPolicy p = RetryPolicy.exponential(Duration.ofMillis(10), Duration.ofMillis(50), 0);
        assertThat(p.nextDelay(1, ZERO, ZERO)).isEqualTo(ms(10));
        assertThat(p.nextDelay(2, ZERO, ZERO)).isEqualTo(ms(20));
        assertThat(p.nextDelay(3, ZERO, ZERO)).isEqualTo(ms(40));
        assertThat(p.nextDelay(4, ZERO, ZERO)).isEqualTo(ms(50));
        assertThat(p.nextDelay(1_000_000, ZERO, ZERO)).as("no overflow").isEqualTo(ms(50));
    }

    @Test
    void jitterStaysWithinItsBoundsAndVaries() {
        RetryPolicy p = RetryPolicy.exponential(Duration.ofMillis(100), Duration.ofSeconds(1), 0.25);
        Set<Duration> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            Duration d = p.nextDelay(2, ZERO, ZERO).orElseThrow();
            assertThat(d).isBetween(Duration.ofMillis(150), Duration.ofMillis(200));
            seen.add(d);
        }
        assertThat(seen.size()).as("distinct delays").isGreaterThan(100);
    }

    @Test
    void maxDurationShortensTheLastDelayAndThenStops() {
        RetryPolicy p = RetryPolicy.fixed(Duration.ofMillis(100)).withMaxDuration(Duration.ofMillis(250));
        assertThat(p.nextDelay(1, Duration.ofMillis(0), ZERO)).isEqualTo(ms(100));
        assertThat(p.nextDelay(3, Duration.ofMillis(200), ZERO)).isEqualTo(ms(50));
        assertThat(p.nextDelay(4, Duration.ofMillis(250), ZERO)).isEmpty();
    }

    @Test
    void badArgumentsNameTheParameter() {
        assertThatThrownBy(() -> RetryPolicy.fixed(Duration.ZERO)).hasMessageContaining("delay");
        assertThatThrownBy(() -> RetryPolicy.fixed(Duration.ofMillis(1), -1)).hasMessageContaining("maxRetries");
        assertThatThrownBy(() -> RetryPolicy.exponential(Duration.ofMillis(10), Duration.ofMillis(5), 0))
                .hasMessageContaining("max");
        assertThatThrownBy(() -> RetryPolicy.exponential(Duration.ofMillis(10), Duration.ofMillis(50), 1.5))
                .hasMessageContaining("jitter");
        assertThatThrownBy(() -> RetryPolicy.none().withMaxDuration(Duration.ofMillis(-1)))
                .hasMessageContaining("maxDuration");
    }
}
