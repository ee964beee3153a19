package dev.locksmith.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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
        List<String> lines = runChildren(uri, 0);
        long lastToken = 0;
        Map<String, Integer> perProcess = new HashMap<>();
        for (int i = 0; i < lines.size(); i += 2) {
            String[] enter = lines.get(i).split(" ");
            String[] exit = lines.get(i + 1).split(" ");
            assertThat(enter[0]).as("line %d", i).isEqualTo("enter");
            assertThat(exit[0]).as("line %d", i + 1).isEqualTo("exit");
            assertThat(exit[1] + " " + exit[2])
                    .as("exit matches enter at line %d", i)
                    .isEqualTo(enter[1] + " " + enter[2]);
            long token = Long.parseLong(enter[1]);
            assertThat(token).as("token at line %d", i).isGreaterThan(lastToken);
            lastToken = token;
            perProcess.merge(enter[2], 1, Integer::sum);
        }
        assertThat(perProcess).hasSize(PROCESSES).allSatisfy((p, n) -> assertThat(n)
                .isEqualTo(ROUNDS));
    }

    @ParameterizedTest
    @ValueSource(strings = {RedisTestSupport.STANDALONE, RedisTestSupport.CLUSTER})
    void processesNeverHoldMorePermitsThanTheLimit(String uri) throws Exception {
        int permits = 2;
        List<String> lines = runChildren(uri, permits);
        Set<String> inside = new HashSet<>();
        Set<Long> tokens = new HashSet<>();
        for (String line : lines) {
            String[] f = line.split(" ");
            String grant = f[1] + " " + f[2];
            if (f[0].equals("enter")) {
                assertThat(tokens.add(Long.parseLong(f[1])))
                        .as("unique token in %s", line)
                        .isTrue();
                inside.add(grant);
            } else {
                assertThat(inside.remove(grant))
                        .as("exit of a grant that entered: %s", line)
                        .isTrue();
            }
            assertThat(inside.size()).as("permits in use after %s", line).isLessThanOrEqualTo(permits);
        }
        assertThat(inside).isEmpty();
    }

    private List<String> runChildren(String uri, int permits) throws Exception {
        this.uri = uri;
        Path log = dir.resolve("critical.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<Process> children = new ArrayList<>();
        for (int i = 0; i < PROCESSES; i++) {
            ProcessBuilder pb = new ProcessBuilder(
                    java,
                    "-XX:TieredStopAtLevel=1",
                    "-cp",
                    classPath,
                    RedisWorkerMain.class.getName(),
                    uri,
                    namespace,
                    "shared",
                    log.toString(),
                    "proc-" + i,
                    Integer.toString(ROUNDS),
                    Integer.toString(permits));
            pb.redirectErrorStream(true);
            pb.redirectOutput(dir.resolve("child-" + i + ".out").toFile());
            children.add(pb.start());
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        for (int i = 0; i < PROCESSES; i++) {
            Path ready = dir.resolve("ready-proc-" + i);
            while (!Files.exists(ready)
                    && System.nanoTime() < deadline
                    && children.get(i).isAlive()) {
                Thread.sleep(5); // a file a child process creates: nothing to wait on
            }
        }
        Files.writeString(dir.resolve("go"), "");
        for (int i = 0; i < PROCESSES; i++) {
            Process p = children.get(i);
            boolean ended = p.waitFor(180, TimeUnit.SECONDS);
            if (!ended) {
                children.forEach(Process::destroyForcibly);
            }
            File out = dir.resolve("child-" + i + ".out").toFile();
            assertThat(ended).as("child %d ended", i).isTrue();
            assertThat(p.exitValue())
                    .as("child %d exit, output:%n%s", i, Files.readString(out.toPath()))
                    .isZero();
        }
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).hasSize(PROCESSES * ROUNDS * 2);
        return lines;
    }
}
