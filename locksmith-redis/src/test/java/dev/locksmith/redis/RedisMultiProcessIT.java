package dev.locksmith.redis;

import dev.locksmith.testkit.ProcessContention;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Several JVMs contend through the public API (waiting on release notifications, hand-offs named
 * by the wait queue in Redis): no two holders at once, tokens strictly increase in grant order,
 * and a semaphore never has more holders than permits.
 */
class RedisMultiProcessIT {
    static final int PROCESSES = 4;
    static final int ROUNDS = 25;

    @TempDir
    Path dir;

    private final String namespace = "mp-" + UUID.randomUUID().toString().substring(0, 8);
    private String uri;

    @AfterEach
    void cleanUp() {
        if (uri != null) {
            RedisTestSupport.cleanNamespace(uri, namespace);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {RedisTestSupport.STANDALONE, RedisTestSupport.CLUSTER})
    void processesNeverHoldTheLockTogetherAndTokensIncrease(String uri) throws Exception {
        ProcessContention.assertExclusive(runChildren(uri, 0), PROCESSES, ROUNDS);
    }

    @ParameterizedTest
    @ValueSource(strings = {RedisTestSupport.STANDALONE, RedisTestSupport.CLUSTER})
    void processesNeverHoldMorePermitsThanTheLimit(String uri) throws Exception {
        ProcessContention.assertWithinPermits(runChildren(uri, 2), 2);
    }

    private List<String> runChildren(String uri, int permits) throws Exception {
        this.uri = uri;
        return ProcessContention.run(
                dir,
                dev.locksmith.testkit.ContentionWorker.class,
                PROCESSES,
                ROUNDS,
                List.of(uri, namespace, "shared", Integer.toString(permits)));
    }
}
