package dev.locksmith.cli;

import dev.locksmith.DistributedLock;
import dev.locksmith.Lease;
import dev.locksmith.LockException;
import dev.locksmith.LockOptions;
import dev.locksmith.Locksmith;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One worker process of {@code locksmith demo} (the hidden command {@code demo-worker}): takes the
 * lock, reads the shared counter file, works a little, writes the counter plus one, and logs
 * {@code token start end value} with wall-clock microseconds so that the demo can check for
 * overlaps across processes.
 */
final class DemoWorker {
    static final String COMMAND = "demo-worker";

    private DemoWorker() {}

    static ArgParser parser() {
        return Connection.options(new ArgParser(COMMAND)).option("--name", "--dir", "--increments", "--worker");
    }

    static int execute(Cli cli, ArgParser.Parsed args) {
        String name = required(args, "--name");
        Path dir = Path.of(required(args, "--dir"));
        int increments = Integer.parseInt(required(args, "--increments"));
        String worker = required(args, "--worker");
        Connection connection = Connection.from(args, cli.env());
        Path counter = dir.resolve("counter");
        Path log = dir.resolve("worker-" + worker + ".log");
        LockOptions options = LockOptions.builder()
                .ttl(Duration.ofSeconds(10))
                .retry(RunCommand.RETRY)
                .build();
        try (Locksmith client = connection.open(options)) {
            DistributedLock lock = client.lock(name);
            for (int i = 0; i < increments; i++) {
                try (Lease lease = lock.acquire(Duration.ofMinutes(5))) {
                    long start = micros();
                    int value = Integer.parseInt(Files.readString(counter).trim()) + 1;
                    // the work under the lock: long enough that unprotected workers would collide
                    Thread.sleep(ThreadLocalRandom.current().nextInt(5, 30));
                    Path tmp = dir.resolve("counter." + worker + ".tmp");
                    Files.writeString(tmp, value + "\n");
                    Files.move(tmp, counter, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    long end = micros();
                    String line = lease.fencingToken() + " " + start + " " + end + " " + value + " "
                            + (lease.isValid() ? "valid" : "lost") + "\n";
                    Files.writeString(
                            log, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Exit.SIGNAL_BASE + Signals.SIGINT;
        } catch (LockException e) {
            throw connection.unavailable(e);
        }
        return Exit.OK;
    }

    static long micros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    private static String required(ArgParser.Parsed args, String option) {
        String value = args.value(option);
        if (value == null) {
            throw new UsageException("missing " + option + " for '" + COMMAND + "'");
        }
        return value;
    }
}
