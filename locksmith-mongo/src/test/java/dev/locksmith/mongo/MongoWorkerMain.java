package dev.locksmith.mongo;

import dev.locksmith.Lease;
import dev.locksmith.Locksmith;
import dev.locksmith.testkit.ProcessContention;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A child process of {@link MongoMultiProcessIT}: takes the lock (or a permit) {@code rounds}
 * times through the public API and logs "enter"/"exit" lines with its token while holding it.
 *
 * <p>Arguments: log file, process name, rounds, then URI, namespace, name, permit limit (0: the lock).
 */
public final class MongoWorkerMain {
    private MongoWorkerMain() {}

    public static void main(String[] args) throws Exception {
        Path log = Path.of(args[0]);
        String process = args[1];
        int rounds = Integer.parseInt(args[2]);
        int permits = Integer.parseInt(args[6]);
        try (Locksmith client =
                Locksmith.builder().uri(args[3]).namespace(args[4]).build()) {
            ProcessContention.awaitGo(log, process);
            for (int i = 0; i < rounds; i++) {
                try (Lease lease = permits > 0
                        ? client.semaphore(args[5], permits).acquire(Duration.ofSeconds(60))
                        : client.lock(args[5]).acquire(Duration.ofSeconds(60))) {
                    ProcessContention.append(log, "enter " + lease.fencingToken() + " " + process);
                    Thread.sleep(permits > 0 ? 10 : 2);
                    ProcessContention.append(log, "exit " + lease.fencingToken() + " " + process);
                    if (!lease.isValid()) {
                        throw new IllegalStateException("lease lost while held: " + lease);
                    }
                }
            }
        }
    }
}
