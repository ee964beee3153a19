package dev.locksmith.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What a restart does to fencing tokens. Without persistence Redis forgets the counter and tokens
 * start again at 1 (so {@code durableTokens} is false by default); with {@code appendonly yes} and
 * {@code appendfsync always} the counter survives even a kill -9, and tokens never go backwards.
 */
class RedisRestartIT {
    private static final Duration TTL = Duration.ofSeconds(30);

    private static long grantTokens(RedisServer server, int n) {
        long last = 0;
        try (RedisBackend b = RedisTestSupport.open(server.uri(), "rs:")) {
            for (int i = 0; i < n; i++) {
                long t = new SpiOps(b).tryAcquire("ns/job", "o" + i, TTL).fencingToken();
                assertThat(t).isGreaterThan(last);
                last = t;
                assertThat(new SpiOps(b).release("ns/job", "o" + i)).isTrue();
            }
        }
        return last;
    }

    @Test
    void withoutPersistenceTokensStartAgain() throws Exception {
        try (RedisServer server = RedisServer.start()) {
            assertThat(grantTokens(server, 5)).isEqualTo(5);
            server.crash();
            server.restart();
            assertThat(grantTokens(server, 1))
                    .as("the counter was lost: tokens restart")
                    .isEqualTo(1);
            try (RedisBackend b = RedisTestSupport.open(server.uri(), "rs:")) {
                assertThat(b.capabilities().durableTokens()).isFalse();
            }
        }
    }

    @Test
    void withAppendOnlyFileTokensNeverGoBackwards() throws Exception {
        try (RedisServer server = RedisServer.start("--appendonly", "yes", "--appendfsync", "always")) {
            long before = grantTokens(server, 5);
            server.crash();
            server.restart();
            assertThat(grantTokens(server, 1)).isGreaterThan(before);
        }
    }
}
