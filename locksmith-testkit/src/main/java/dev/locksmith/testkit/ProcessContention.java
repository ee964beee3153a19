package dev.locksmith.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Contention between separate JVMs, for backend modules' multi-process tests. The test starts
 * {@code processes} child JVMs running a worker's {@code main} on the test class path; each child
 * takes a lock or a permit {@code rounds} times and, while holding it, appends an {@code "enter
 * <token> <process>"} and an {@code "exit <token> <process>"} line to a shared log. The test then
 * checks the log with {@link #assertExclusive} or {@link #assertWithinPermits}.
 *
 * <p>A worker's {@code main} gets {@code <log> <process> <rounds>} followed by the test's own
 * arguments; it calls {@link #awaitGo} before its first round (so that all children start
 * together) and {@link #append} for each line.
 */
public final class ProcessContention {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(180);

    private ProcessContention() {}

    /**
     * Runs the children in {@code dir} and returns the log's lines once every child has ended
     * with status 0; fails with the child's output otherwise.
     */
    public static List<String> run(Path dir, Class<?> worker, int processes, int rounds, List<String> args)
            throws IOException, InterruptedException {
        Path log = dir.resolve("critical.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<Process> children = new ArrayList<>();
        for (int i = 0; i < processes; i++) {
            List<String> command = new ArrayList<>(List.of(
                    java,
                    "-XX:TieredStopAtLevel=1",
                    "-cp",
                    classPath,
                    worker.getName(),
                    log.toString(),
                    "proc-" + i,
                    Integer.toString(rounds)));
            command.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.redirectErrorStream(true);
            pb.redirectOutput(dir.resolve("child-" + i + ".out").toFile());
            children.add(pb.start());
        }
        try {
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            for (int i = 0; i < processes; i++) {
                Path ready = dir.resolve("ready-proc-" + i);
                while (!Files.exists(ready)
                        && System.nanoTime() < deadline
                        && children.get(i).isAlive()) {
                    Thread.sleep(5); // a file a child process creates: nothing to wait on
                }
            }
            Files.writeString(dir.resolve("go"), "");
            for (int i = 0; i < processes; i++) {
                Process p = children.get(i);
                boolean ended = p.waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                String output = Files.readString(dir.resolve("child-" + i + ".out"));
                assertThat(ended).as("child %d ended, output:%n%s", i, output).isTrue();
                assertThat(p.exitValue())
                        .as("child %d exit, output:%n%s", i, output)
                        .isZero();
            }
        } finally {
            children.forEach(Process::destroyForcibly);
        }
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).hasSize(processes * rounds * 2);
        return lines;
    }

    /** In a child: says it is ready, then waits for the parent's signal to start. */
    public static void awaitGo(Path log, String process) throws IOException, InterruptedException {
        Files.writeString(log.resolveSibling("ready-" + process), "");
        Path go = log.resolveSibling("go");
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!Files.exists(go)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no go signal within " + START_TIMEOUT);
            }
            Thread.sleep(1); // a file another process creates: nothing to wait on
        }
    }

    /** In a child: appends one line to the shared log. */
    public static void append(Path log, String line) throws IOException {
        Files.writeString(
                log, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /**
     * Checks a lock's log: every enter is followed by its own exit (no two holders at once),
     * tokens strictly increase in grant order, and every process took the lock {@code rounds}
     * times.
     */
    public static void assertExclusive(List<String> lines, int processes, int rounds) {
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
        assertThat(perProcess).hasSize(processes).allSatisfy((p, n) -> assertThat(n)
                .isEqualTo(rounds));
    }

    /**
     * Checks a semaphore's log: tokens are unique, every exit belongs to a grant that entered, and
     * at no point are more than {@code permits} grants inside.
     *
     * @return the most grants inside at once
     */
    public static int assertWithinPermits(List<String> lines, int permits) {
        Set<String> inside = new HashSet<>();
        Set<Long> tokens = new HashSet<>();
        int peak = 0;
        for (String line : lines) {
            String[] f = line.split(" ");
            String grant = f[1] + " " + f[2];
            if (f[0].equals("enter")) {
                assertThat(tokens.add(Long.parseLong(f[1])))
                        .as("unique token in %s", line)
                        .isTrue();
                inside.add(grant);
                peak = Math.max(peak, inside.size());
            } else {
                assertThat(inside.remove(grant))
                        .as("exit of a grant that entered: %s", line)
                        .isTrue();
            }
            assertThat(inside.size()).as("permits in use after %s", line).isLessThanOrEqualTo(permits);
        }
        assertThat(inside).isEmpty();
        return peak;
    }
}
