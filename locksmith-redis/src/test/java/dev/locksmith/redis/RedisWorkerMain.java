package dev.locksmith.redis;

import dev.locksmith.Lease;
import dev.locksmith.Locksmith;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * A child process of {@link RedisMultiProcessIT}: through the public API, takes the lock (or a
 * permit) {@code rounds} times, waiting as any user would, and while holding it appends "enter"
 * and "exit" lines with its token to a shared log file.
 *
 * <p>Arguments: URI, namespace, name, log file, process name, rounds, permit limit (0: the lock).
 */
public final class RedisWorkerMain {
    private RedisWorkerMain() {}

    public static void main(String[] args) throws Exception {
        String uri = args[0];
        String namespace = args[1];
        String name = args[2];
        Path log = Path.of(args[3]);
        String process = args[4];
        int rounds = Integer.parseInt(args[5]);
        int permits = Integer.parseInt(args[6]);
        try (Locksmith client =
                Locksmith.builder().uri(uri).namespace(namespace).build()) {
            // start together: announce readiness, then wait for the parent's go signal
            Files.writeString(log.resolveSibling("ready-" + process), "");
            Path go = log.resolveSibling("go");
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (!Files.exists(go)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no go signal");
                }
                Thread.sleep(1); // a file another process creates: nothing to wait on
            }
            for (int i = 0; i < rounds; i++) {
                try (Lease lease = permits > 0
                        ? client.semaphore(name, permits).acquire(Duration.ofSeconds(60))
                        : client.lock(name).acquire(Duration.ofSeconds(60))) {
                    append(log, "enter " + lease.fencingToken() + " " + process);
                    // widen the critical section so that an overlap would show
                    Thread.sleep(permits > 0 ? 10 : 2);
                    append(log, "exit " + lease.fencingToken() + " " + process);
                    if (!lease.isValid()) {
                        throw new IllegalStateException("lease lost while held: " + lease);
                    }
                }
            }
        }
    }

    private static void append(Path log, String line) throws IOException {
        Files.writeString(
                log, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
