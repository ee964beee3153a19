package dev.locksmith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real processes of the built command on the embedded SQLite default, each test in its own home. */
class RunIT {
    private static final Duration LONG = Duration.ofMinutes(2);

    @TempDir
    Path home;

    /** One program run as its script recorded it. */
    record Span(long token, long startNanos, long endNanos) {
        static Span read(Path file) {
            try {
                String[] f = Files.readString(file).trim().split(" ");
                return new Span(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** A program that records its fencing token and wall-clock start and end in {@code spans/ID}. */
    private String recordingScript(Path spans, String id, String work) {
        return "s=$(date +%s%N); sleep " + work + "; e=$(date +%s%N); echo \"$LOCKSMITH_FENCING_TOKEN $s $e\" > "
                + spans.resolve(id);
    }

    private List<Span> spans(Path dir) throws IOException {
        List<Span> spans = new ArrayList<>();
        try (var files = Files.list(dir)) {
            files.forEach(f -> spans.add(Span.read(f)));
        }
        spans.sort(Comparator.comparingLong(Span::startNanos));
        return spans;
    }

    @Test
    void eightConcurrentRunsNeverOverlapAndTokensIncreaseInRunOrder() throws IOException {
        LocksmithProcess locksmith = new LocksmithProcess(home);
        Path spans = Files.createDirectory(home.resolve("spans"));
        List<LocksmithProcess.Started> runs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            runs.add(locksmith.start(
                    "run",
                    "--name",
                    "shared",
                    "--ttl",
                    "10s",
                    "--wait",
                    "2m",
                    "--",
                    "sh",
                    "-c",
                    recordingScript(spans, "run-" + i, "0.1")));
        }
        for (LocksmithProcess.Started run : runs) {
            LocksmithProcess.Result result = run.await(LONG);
            assertThat(result.status()).as(result.stderr()).isZero();
            assertThat(result.stderr()).isEmpty();
        }
        List<Span> ordered = spans(spans);
        assertThat(ordered).hasSize(8);
        for (int i = 1; i < ordered.size(); i++) {
            Span before = ordered.get(i - 1);
            Span after = ordered.get(i);
            assertThat(after.startNanos())
                    .as("run %d started before run %d ended", i, i - 1)
                    .isGreaterThanOrEqualTo(before.endNanos());
            assertThat(after.token()).as("tokens in run order").isGreaterThan(before.token());
        }
        assertNothingHeld(locksmith);
    }

    @Test
    void noWaitOnAHeldLockExitsWithTempfailAtOnce() throws IOException {
        LocksmithProcess locksmith = new LocksmithProcess(home);
        Path ready = home.resolve("ready");
        LocksmithProcess.Started holder = locksmith.start(
                "run",
                "--name",
                "busy",
                "--",
                "sh",
                "-c",
                "echo $LOCKSMITH_FENCING_TOKEN > " + ready + "; exec sleep 60");
        LocksmithProcess.awaitTrue(LONG, "the holder's program to start", () -> Files.exists(ready));

        long began = System.nanoTime();
        LocksmithProcess.Result refused = locksmith.run(LONG, "run", "--name", "busy", "--no-wait", "--", "true");
        Duration took = Duration.ofNanos(System.nanoTime() - began);
        assertThat(refused.status()).isEqualTo(75);
        assertThat(refused.stderrLines()).hasSize(1).first().asString().contains("'busy' is held by", "--no-wait");
        // "at once": far less than the holder's remaining minute, whatever the machine's speed
        assertThat(took).isLessThan(LocksmithProcess.scaled(Duration.ofSeconds(30)));

        LocksmithProcess.Result timedOut =
                locksmith.run(LONG, "run", "--name", "busy", "--wait", "300ms", "--", "true");
        assertThat(timedOut.status()).isEqualTo(75);
        assertThat(timedOut.stderrLines()).hasSize(1);

        LocksmithProcess.Result inspect = locksmith.run(LONG, "inspect", "busy");
        assertThat(inspect.stdout())
                .startsWith("busy\tlock\t")
                .contains("\t" + Files.readString(ready).trim() + "\t");

        // SIGTERM to locksmith reaches the program (sleep dies of it) and the lock is released
        holder.process().destroy();
        LocksmithProcess.Result ended = holder.await(LONG);
        assertThat(ended.status()).isEqualTo(128 + 15);
        assertNothingHeld(locksmith);
    }

    @Test
    void threePermitsNeverHaveMoreThanThreeProgramsRunning() throws IOException {
        LocksmithProcess locksmith = new LocksmithProcess(home);
        Path spans = Files.createDirectory(home.resolve("spans"));
        List<LocksmithProcess.Started> runs = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            runs.add(locksmith.start(
                    "run",
                    "--name",
                    "pool",
                    "--permits",
                    "3",
                    "--wait",
                    "2m",
                    "--",
                    "sh",
                    "-c",
                    recordingScript(spans, "run-" + i, "0.5")));
        }
        for (LocksmithProcess.Started run : runs) {
            LocksmithProcess.Result result = run.await(LONG);
            assertThat(result.status()).as(result.stderr()).isZero();
        }
        List<Span> all = spans(spans);
        assertThat(all).hasSize(9);
        assertThat(all.stream().map(Span::token).distinct()).hasSize(9);
        int running = 0;
        int most = 0;
        // sweep over start (+1) and end (-1) events; an end at the same instant as a start comes first
        List<long[]> events = new ArrayList<>();
        for (Span s : all) {
            events.add(new long[] {s.startNanos(), 1});
            events.add(new long[] {s.endNanos(), -1});
        }
        events.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
        for (long[] e : events) {
            running += (int) e[1];
            most = Math.max(most, running);
        }
        assertThat(most).as("most programs running at once").isBetween(1, 3);
        assertNothingHeld(locksmith);
    }

    @Test
    void onLostKillStopsTheProgramWhenTheLockIsForceReleased() throws IOException {
        LocksmithProcess locksmith = new LocksmithProcess(home);
        Path pidFile = home.resolve("pid");
        LocksmithProcess.Started holder = locksmith.start(
                "run",
                "--name",
                "victim",
                "--ttl",
                "4s",
                "--on-lost",
                "kill",
                "--",
                "sh",
                "-c",
                "echo $$ > " + pidFile + ".tmp; mv " + pidFile + ".tmp " + pidFile + "; exec sleep 120");
        LocksmithProcess.awaitTrue(LONG, "the program to start", () -> Files.exists(pidFile));
        long programPid = Long.parseLong(Files.readString(pidFile).trim());

        LocksmithProcess.Result release = locksmith.run(LONG, "release", "--force", "victim");
        assertThat(release.status()).isZero();
        assertThat(release.stdout()).startsWith("removed lock 'victim' held by ");

        LocksmithProcess.Result ended = holder.await(Duration.ofSeconds(30));
        assertThat(ended.status()).isEqualTo(76);
        assertThat(ended.stderrLines()).hasSize(1).first().asString().contains("lost the lease on 'victim'");
        Optional<ProcessHandle> program = ProcessHandle.of(programPid);
        LocksmithProcess.awaitTrue(
                Duration.ofSeconds(10), "the program to be gone", () -> program.map(p -> !p.isAlive())
                        .orElse(true));
        assertNothingHeld(locksmith);
    }

    @Test
    void sigintIsPassedOnAndTheProgramStatusComesBack() throws IOException, InterruptedException {
        LocksmithProcess locksmith = new LocksmithProcess(home);
        Path ready = home.resolve("ready");
        Path got = home.resolve("got-int");
        LocksmithProcess.Started run = locksmith.start(
                "run",
                "--name",
                "int",
                "--",
                "sh",
                "-c",
                "trap 'touch " + got + "; exit 9' INT; touch " + ready + "; sleep 60 & wait");
        LocksmithProcess.awaitTrue(LONG, "the program to start", () -> Files.exists(ready));
        signal(run.process(), "INT");
        LocksmithProcess.Result result = run.await(LONG);
        assertThat(result.status()).as(result.stderr()).isEqualTo(9);
        assertThat(got).exists();
        assertNothingHeld(locksmith);
    }

    @Test
    void hangUpStopsTheProgramAndReleases() throws IOException, InterruptedException {
        LocksmithProcess locksmith = new LocksmithProcess(home);
        Path ready = home.resolve("ready");
        Path got = home.resolve("got-term");
        LocksmithProcess.Started run = locksmith.start(
                "run",
                "--name",
                "hup",
                "--",
                "sh",
                "-c",
                "trap 'touch " + got + "; exit 5' TERM; touch " + ready + "; sleep 60 & wait");
        LocksmithProcess.awaitTrue(LONG, "the program to start", () -> Files.exists(ready));
        signal(run.process(), "HUP");
        LocksmithProcess.Result result = run.await(LONG);
        assertThat(result.status()).isEqualTo(128 + 1);
        assertThat(result.stderr()).isEmpty();
        assertThat(got).exists();
        assertNothingHeld(locksmith);
    }

    private static void signal(Process process, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-s", signal, Long.toString(process.pid()))
                .inheritIO()
                .start();
        assertThat(kill.waitFor()).isZero();
    }

    static void assertNothingHeld(LocksmithProcess locksmith) {
        LocksmithProcess.Result list = locksmith.run(LONG, "list", "--json");
        assertThat(list.status()).as(list.stderr()).isZero();
        assertThat(list.stdout().trim()).isEqualTo("[]");
    }
}
