package dev.locksmith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lost lease as real processes meet it: the promised line on stderr always comes before the exit
 * with 76, and a store that goes away produces one-line messages, never a stack trace.
 */
class LeaseLossIT {
    private static final Duration LONG = Duration.ofMinutes(2);

    @TempDir
    Path home;

    /**
     * A holder paused (SIGSTOP) past its TTL while its program ends: on waking, its loss listener and
     * its main thread race, and the main thread used to exit 76 before the listener had printed (5 of
     * 10 trials). Several trials at once, half of them with {@code --on-lost warn}. A holder that lost
     * its lease before the pause (a loaded machine) is a trial too: it must have said so as well.
     */
    @Test
    void aHolderPausedPastItsTtlAlwaysSaysSoBeforeExiting76() throws Exception {
        LocksmithProcess locksmith = new LocksmithProcess(home);
        int trials = 6;
        Path go = home.resolve("go");
        List<LocksmithProcess.Started> runs = new ArrayList<>();
        List<Path> ready = new ArrayList<>();
        for (int i = 0; i < trials; i++) {
            Path marker = home.resolve("ready-" + i);
            ready.add(marker);
            runs.add(locksmith.start(
                    "run",
                    "--name",
                    "paused-" + i,
                    "--ttl",
                    "2s",
                    "--on-lost",
                    i % 2 == 0 ? "kill" : "warn",
                    "--",
                    "sh",
                    "-c",
                    "touch " + marker + "; while [ ! -e " + go + " ]; do sleep 0.05; done; sleep 0.2"));
        }
        for (Path marker : ready) {
            LocksmithProcess.awaitTrue(LONG, "the programs to start", () -> Files.exists(marker));
        }
        for (LocksmithProcess.Started run : runs) {
            signal(run.process(), "STOP");
        }
        // the programs end and the 2 s leases expire while their holders sleep
        Files.createFile(go);
        Thread.sleep(LocksmithProcess.scaled(Duration.ofSeconds(4)).toMillis());
        for (LocksmithProcess.Started run : runs) {
            signal(run.process(), "CONT");
        }
        for (int i = 0; i < trials; i++) {
            LocksmithProcess.Result result = runs.get(i).await(LONG);
            assertThat(result.status()).as("trial %d: %s", i, result.stderr()).isEqualTo(76);
            assertThat(result.stderrLines()).as("trial %d", i).isNotEmpty().allMatch(l -> l.startsWith("locksmith: "));
            assertThat(result.stderr()).as("trial %d", i).contains("lease on 'paused-" + i + "'", "lost");
        }
        RunIT.assertNothingHeld(locksmith);
    }

    /**
     * Redis killed under a holder: every renewal fails until the lease is lost. stderr has one-line
     * messages only; with {@code LOCKSMITH_DEBUG=1} the stack traces show.
     */
    @Test
    void aStoreThatGoesAwayGivesOneLineMessagesWithoutStackTraces() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path dir = Files.createDirectory(home.resolve("redis"));
        Process redis = new ProcessBuilder(
                        "redis-server",
                        "--port",
                        Integer.toString(port),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        "no",
                        "--requirepass",
                        "lspw",
                        "--dir",
                        dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("log").toFile())
                .start();
        try {
            LocksmithProcess.awaitTrue(LONG, "redis-server on port " + port, () -> accepts(port));
            String backend = "redis://:lspw@127.0.0.1:" + port;
            Path quietReady = home.resolve("ready-quiet");
            Path debugReady = home.resolve("ready-debug");
            LocksmithProcess.Started quiet = new LocksmithProcess(home)
                    .start(
                            "run",
                            "--backend",
                            backend,
                            "--ttl",
                            "3s",
                            "--name",
                            "down",
                            "--",
                            "sh",
                            "-c",
                            "touch " + quietReady + "; exec sleep 60");
            // another home: each LocksmithProcess numbers its output files from 1
            LocksmithProcess.Started debug = new LocksmithProcess(
                            Files.createDirectory(home.resolve("debug")), Map.of(CliLogging.DEBUG_ENV, "1"))
                    .start(
                            "run",
                            "--backend",
                            backend,
                            "--ttl",
                            "3s",
                            "--name",
                            "down-debug",
                            "--",
                            "sh",
                            "-c",
                            "touch " + debugReady + "; exec sleep 60");
            LocksmithProcess.awaitTrue(
                    LONG, "the programs to start", () -> Files.exists(quietReady) && Files.exists(debugReady));
            redis.destroyForcibly();
            redis.waitFor(30, TimeUnit.SECONDS);

            LocksmithProcess.Result result = quiet.await(LONG);
            assertThat(result.status()).as(result.stderr()).isEqualTo(76);
            assertThat(result.stderrLines())
                    .as(result.stderr())
                    .allMatch(l -> l.startsWith("locksmith: "))
                    .anyMatch(l -> l.contains("lost the lease on 'down'"))
                    .noneMatch(l -> l.contains("lspw"));
            assertThat(result.stderr()).doesNotContain("\tat ", "Caused by:", "Exception in thread");

            LocksmithProcess.Result debugged = debug.await(LONG);
            assertThat(debugged.status()).as(debugged.stderr()).isEqualTo(76);
            assertThat(debugged.stderr()).contains("\tat ").doesNotContain("lspw");
        } finally {
            redis.destroyForcibly();
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void signal(Process process, String signal) throws IOException, InterruptedException {
        if (process.isAlive()) {
            new ProcessBuilder("kill", "-s", signal, Long.toString(process.pid()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start()
                    .waitFor();
        }
    }
}
