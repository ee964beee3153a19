package dev.locksmith.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.testkit.ProcessContention;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several JVMs contend for one lock in one SQLite file: no overlap, tokens strictly increase. */
class SqliteMultiProcessIT {
    static final int PROCESSES = 4;
    static final int ROUNDS = 25;

    @TempDir
    Path dir;

    @Test
    void processesSharingOneFileNeverOverlap() throws Exception {
        ProcessContention.assertExclusive(runChildren(0), PROCESSES, ROUNDS);
    }

    @Test
    void processesSharingASemaphoreNeverExceedItsPermits() throws Exception {
        int permits = 2;
        int peak = ProcessContention.assertWithinPermits(runChildren(permits), permits);
        assertThat(peak).isBetween(1, permits);
    }

    private List<String> runChildren(int permits) throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("shared.db");
        String key = "ns/" + UUID.randomUUID();
        return ProcessContention.run(
                dir, SqliteWorkerMain.class, PROCESSES, ROUNDS, List.of(url, "mp_", key, Integer.toString(permits)));
    }
}
