package dev.locksmith.nats;

import io.nats.client.Connection;
import io.nats.client.KeyValueManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;

/** The shared test server (127.0.0.1:4222, see scripts/services.d/nats.sh), private servers, and cleanup. */
final class NatsTestSupport {
    static final String HOST = "127.0.0.1";
    static final int PORT = Integer.getInteger("locksmith.nats.port", 4222);

    private NatsTestSupport() {}

    /** A bucket prefix of its own for one test class. */
    static String randomBucket() {
        return "lsit-"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 10).toLowerCase(Locale.ROOT);
    }

    static String uri(int port, String bucket) {
        return "nats://" + HOST + ":" + port + "?bucket=" + bucket;
    }

    static Connection connect(int port) {
        try {
            return Nats.connect(Options.builder()
                    .server("nats://" + HOST + ":" + port)
                    .connectionTimeout(Duration.ofSeconds(5))
                    .reconnectBufferSize(0)
                    .build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Deletes the records and lease buckets whose names start with {@code bucket}. */
    static void deleteBuckets(int port, String bucket) {
        try (Connection c = connect(port)) {
            KeyValueManagement kvm = c.keyValueManagement();
            for (String name : kvm.getBucketNames()) {
                if (name.equals(bucket) || name.startsWith(bucket + "-lease-")) {
                    kvm.delete(name);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not delete test buckets " + bucket + "*: " + e, e);
        }
    }

    /** Purges the records of one namespace (its fencing history included). */
    static void purgeNamespace(int port, String bucket, String namespace) {
        try (Connection c = connect(port)) {
            var kv = c.keyValue(bucket);
            String prefix = KeyNames.encode(namespace + "/");
            for (String key : kv.keys()) {
                if (key.length() > 2 && key.substring(2).startsWith(prefix)) {
                    kv.purge(key);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not purge namespace " + namespace + ": " + e, e);
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName(HOST))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean answers(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HOST, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A nats-server of a test's own, on a private port and store directory; stopped by {@link #close()}. */
    static final class Server implements AutoCloseable {
        final int port;
        final Path dir;
        private final List<String> extraArgs;
        private Process process;

        Server(Path dir, List<String> extraArgs) {
            this(freePort(), dir, extraArgs);
        }

        Server(int port, Path dir, List<String> extraArgs) {
            this.port = port;
            this.dir = dir;
            this.extraArgs = List.copyOf(extraArgs);
        }

        static Server jetStream() {
            try {
                return new Server(Files.createTempDirectory("locksmith-nats-"), List.of("-js")).start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Server start() {
            List<String> cmd = new ArrayList<>(List.of(
                    "nats-server",
                    "-a",
                    HOST,
                    "-p",
                    Integer.toString(port),
                    "-sd",
                    dir.resolve("store").toString()));
            cmd.addAll(extraArgs);
            try {
                process = new ProcessBuilder(cmd)
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("server.log").toFile())
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot start nats-server (is it installed? scripts/services.sh start)", e);
            }
            long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (!answers(port)) {
                if (System.nanoTime() > end || !process.isAlive()) {
                    throw new IllegalStateException(
                            "nats-server did not start on port " + port + "; see " + dir.resolve("server.log"));
                }
                pause(20);
            }
            return this;
        }

        String uri(String bucket) {
            return NatsTestSupport.uri(port, bucket);
        }

        /** Stops the server (SIGTERM: a clean shutdown) and waits for it. */
        void stop() {
            if (process != null && process.isAlive()) {
                process.destroy();
                try {
                    process.waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            process = null;
        }

        /** Kills the server (SIGKILL: a crash). */
        void kill() {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
                try {
                    process.waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            process = null;
        }

        @Override
        public void close() {
            stop();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // temp files
            }
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
