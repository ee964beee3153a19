package dev.locksmith.redis;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;

/**
 * A redis-server the test starts itself on a free loopback port, with its own directory; a TLS one
 * ({@link #startTls}) has only a TLS port.
 */
final class RedisServer implements AutoCloseable {
    private final int port;
    private final Path dir;
    private final List<String> extraArgs;
    private final boolean sentinel;
    /** How {@link #client()} connects to a TLS server; null for a plain one. */
    private final JedisClientConfig tlsClient;

    private Process process;

    private RedisServer(int port, Path dir, List<String> extraArgs, boolean sentinel, JedisClientConfig tlsClient) {
        this.port = port;
        this.dir = dir;
        this.extraArgs = extraArgs;
        this.sentinel = sentinel;
        this.tlsClient = tlsClient;
    }

    /** Starts a server; {@code extraArgs} are redis-server options such as {@code --appendonly yes}. */
    static RedisServer start(String... extraArgs) throws IOException, InterruptedException {
        RedisServer s = new RedisServer(
                freePort(), Files.createTempDirectory("locksmith-redis-it"), List.of(extraArgs), false, null);
        s.startProcess();
        return s;
    }

    /**
     * Starts a server with TLS on its port and no plain port; {@code extraArgs} name the certificates
     * ({@code --tls-cert-file} and so on), {@code tlsClient} is how {@link #client()} (and so the
     * readiness check) connects.
     */
    static RedisServer startTls(JedisClientConfig tlsClient, List<String> extraArgs)
            throws IOException, InterruptedException {
        RedisServer s = new RedisServer(
                freePort(), Files.createTempDirectory("locksmith-redis-tls-it"), extraArgs, false, tlsClient);
        s.startProcess();
        return s;
    }

    /** Starts a Sentinel that watches the master on {@code masterPort} under {@code masterName}. */
    static RedisServer sentinel(String masterName, int masterPort) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("locksmith-sentinel-it");
        Files.writeString(
                dir.resolve("sentinel.conf"),
                "sentinel monitor " + masterName + " 127.0.0.1 " + masterPort + " 1\n"
                        + "sentinel down-after-milliseconds " + masterName + " 1000\n"
                        + "sentinel failover-timeout " + masterName + " 5000\n");
        RedisServer s = new RedisServer(freePort(), dir, List.of(), true, null);
        s.startProcess();
        return s;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    int port() {
        return port;
    }

    String uri() {
        return (tlsClient == null ? "redis" : "rediss") + "://127.0.0.1:" + port;
    }

    Jedis client() {
        return tlsClient == null
                ? new Jedis("127.0.0.1", port)
                : new Jedis(new HostAndPort("127.0.0.1", port), tlsClient);
    }

    private void startProcess() throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("redis-server");
        if (sentinel) {
            cmd.addAll(List.of(dir.resolve("sentinel.conf").toString(), "--sentinel"));
        }
        if (tlsClient == null) {
            cmd.addAll(List.of("--port", Integer.toString(port)));
        } else {
            cmd.addAll(List.of("--port", "0", "--tls-port", Integer.toString(port)));
        }
        cmd.addAll(List.of(
                "--bind",
                "127.0.0.1",
                "--dir",
                dir.toString(),
                "--logfile",
                dir.resolve("redis.log").toString()));
        if (!sentinel) {
            cmd.addAll(List.of("--save", "", "--appendonly", "no"));
        }
        cmd.addAll(extraArgs); // later options win
        process = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile())
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try (Jedis j = client()) {
                if ("PONG".equals(j.ping())) {
                    return;
                }
            } catch (RuntimeException e) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("redis-server on port " + port + " did not start; see " + dir, e);
                }
            }
            Thread.sleep(20); // polling for the server with a deadline
        }
    }

    /** Kills the server without letting it save anything (like a crash or power loss of the process). */
    void crash() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** Starts the server again on the same port and directory. */
    void restart() throws IOException, InterruptedException {
        if (process.isAlive()) {
            crash();
        }
        startProcess();
    }

    /** SIGSTOP: the server keeps its connections but answers nothing, like a hung host. */
    void freeze() throws IOException, InterruptedException {
        signal("-STOP");
    }

    void thaw() throws IOException, InterruptedException {
        signal("-CONT");
    }

    private void signal(String sig) throws IOException, InterruptedException {
        new ProcessBuilder("kill", sig, Long.toString(process.pid()))
                .inheritIO()
                .start()
                .waitFor();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            thaw();
            crash();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
