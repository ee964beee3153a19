package dev.locksmith.nats;

import dev.locksmith.testkit.ProcessContention;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several JVMs contend on the shared server: one holder at a time, tokens increasing, permits respected. */
class NatsMultiProcessIT {
    static final int PROCESSES = 3;
    static final int ROUNDS = 15;
    private static final String BUCKET = NatsTestSupport.randomBucket();

    @TempDir
    Path dir;

    private final String namespace = "mp-" + UUID.randomUUID().toString().substring(0, 8);

    @AfterAll
    static void deleteBuckets() {
        NatsTestSupport.deleteBuckets(NatsTestSupport.PORT, BUCKET);
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
                List.of(
                        NatsTestSupport.uri(NatsTestSupport.PORT, BUCKET),
                        namespace,
                        "shared",
                        Integer.toString(permits)));
    }
}
