package dev.locksmith.testkit;

import dev.locksmith.Lease;
import dev.locksmith.Locksmith;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The child process of {@link ProcessContention} for any store reached by URI: takes the lock (or
 * a permit) {@code rounds} times through the public API and logs "enter"/"exit" lines with its
 * token while holding it. Pass this class to {@link ProcessContention#run}.
 *
 * <p>Arguments: log file, process name, rounds (from {@link ProcessContention}), then URI,
 * namespace, name, and a permit limit (0: the lock).
 */
public final class ContentionWorker {
    private ContentionWorker() {}

    public static void main(String[] args) throws Exception {
        Path log = Path.of(args[0]);
        String process = args[1];
        int rounds = Integer.parseInt(args[2]);
        String uri = args[3];
        String namespace = args[4];
        String name = args[5];
        int permits = Integer.parseInt(args[6]);
        try (Locksmith client =
                Locksmith.builder().uri(uri).namespace(namespace).build()) {
            ProcessContention.awaitGo(log, process);
            for (int i = 0; i < rounds; i++) {
                try (Lease lease = permits > 0
                        ? client.semaphore(name, permits).acquire(Duration.ofSeconds(60))
                        : client.lock(name).acquire(Duration.ofSeconds(60))) {
                    ProcessContention.append(log, "enter " + lease.fencingToken() + " " + process);
                    Thread.sleep(permits > 0 ? 10 : 2); // widen the critical section so that an overlap would show
                    ProcessContention.append(log, "exit " + lease.fencingToken() + " " + process);
                    if (!lease.isValid()) {
                        throw new IllegalStateException("lease lost while held: " + lease);
                    }
                }
            }
        }
    }
}
