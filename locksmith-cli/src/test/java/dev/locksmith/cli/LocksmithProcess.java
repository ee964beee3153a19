package dev.locksmith.cli;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Runs the built distribution ({@code target/locksmith-cli.jar} and {@code target/lib}) as a real
 * process, with its own {@code LOCKSMITH_HOME}, the way the launcher script does.
 */
final class LocksmithProcess {
    /** Scales every wait in the integration tests, for slow or loaded machines. */
    static final double SCALE = Double.parseDouble(System.getProperty("locksmith.test.scale", "1"));

    private final Path home;
    private final Map<String, String> extraEnv;
    private int outputs;

    LocksmithProcess(Path home) {
        this(home, Map.of());
    }

    LocksmithProcess(Path home, Map<String, String> extraEnv) {
        this.home = home;
        this.extraEnv = extraEnv;
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("locksmith.dist.jar", "target/locksmith-cli.jar"));
        if (!Files.isRegularFile(jar)) {
            fail("the distribution is not built: " + jar.toAbsolutePath() + " (run 'mvn package' first)");
        }
        return jar;
    }

    static Duration scaled(Duration d) {
        return Duration.ofMillis((long) (d.toMillis() * SCALE));
    }

    private static List<String> javaCommand() {
        return List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-XX:-UsePerfData",
                "-jar",
                jar().toAbsolutePath().toString());
    }

    /** A process of the command, started; its output goes to files under the home directory. */
    Started start(String... args) {
        List<String> command = new ArrayList<>(javaCommand());
        command.addAll(List.of(args));
        return startCommand(command);
    }

    /**
     * Runs the command with arguments written in bash syntax, such as {@code inspect $'job-\\xff'}: the
     * way to pass bytes that are not text, which {@link ProcessBuilder} cannot.
     */
    Result runWithBashArgs(Duration timeout, String bashArgs) {
        List<String> command = new ArrayList<>(List.of("bash", "-c", "exec \"$@\" " + bashArgs, "bash"));
        command.addAll(javaCommand());
        return startCommand(command).await(timeout);
    }

    private Started startCommand(List<String> command) {
        int n;
        synchronized (this) {
            n = ++outputs;
        }
        Path out = home.resolve("out-" + n + ".txt");
        Path err = home.resolve("err-" + n + ".txt");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().remove("LOCKSMITH_BACKEND");
        builder.environment().remove("LOCKSMITH_NAMESPACE");
        builder.environment().put("LOCKSMITH_HOME", home.toString());
        builder.environment().putAll(extraEnv);
        try {
            return new Started(builder.start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the command to its end, failing the test if it takes longer than {@code timeout}. */
    Result run(Duration timeout, String... args) {
        return start(args).await(timeout);
    }

    /** A started process of the command. */
    record Started(Process process, Path out, Path err) {
        Result await(Duration timeout) {
            try {
                if (!process.waitFor(scaled(timeout).toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    fail("locksmith did not finish within " + scaled(timeout) + "; stderr: " + read(err));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            return new Result(process.exitValue(), read(out), read(err));
        }
    }

    /** What a finished process left. */
    record Result(int status, String stdout, String stderr) {
        List<String> stderrLines() {
            return stderr.lines().toList();
        }
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Polls {@code condition} until it holds, failing after {@code timeout}. */
    static void awaitTrue(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + scaled(timeout).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + scaled(timeout) + " waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
