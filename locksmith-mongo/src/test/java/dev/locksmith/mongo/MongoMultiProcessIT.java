package dev.locksmith.mongo;

import dev.locksmith.testkit.ProcessContention;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several JVMs contend on the test deployment (the in-JVM server is reached over TCP like any
 * other): one holder at a time, tokens increasing, permits respected. The children learn of other
 * processes' releases through the change stream.
 */
class MongoMultiProcessIT {
    static final int PROCESSES = 3;
    static final int ROUNDS = 15;

    @TempDir
    Path dir;

    private final String namespace = "mp-" + UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void cleanUp() {
        TestMongo.deleteNamespace(namespace);
    }

    @Test
    void processesNeverHoldTheLockTogetherAndTokensIncrease() throws Exception {
        ProcessContention.assertExclusive(run(0), PROCESSES, ROUNDS);
    }

    @Test
    void processesNeverHoldMorePermitsThanTheLimit() throws Exception {
        ProcessContention.assertWithinPermits(run(2), 2);
    }

    private List<String> run(int permits) throws Exception {
        return ProcessContention.run(
                dir,
                dev.locksmith.testkit.ContentionWorker.class,
                PROCESSES,
                ROUNDS,
                List.of(TestMongo.uri(), namespace, "shared", Integer.toString(permits)));
    }
}
