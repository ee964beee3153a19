package dev.locksmith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command in this JVM against the in-memory store: dispatch, help, output and exit statuses. */
class MainTest {
    @TempDir
    Path home;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int locksmith(String... args) {
        Cli cli = new Cli(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of("LOCKSMITH_HOME", home.toString(), "PATH", System.getenv("PATH")),
                false);
        return new Main(cli).run(args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyCommandHasHelpWithExamples() {
        for (String command : new String[] {"run", "inspect", "list", "release", "demo", "bench"}) {
            out.reset();
            assertThat(locksmith(command, "--help")).isZero();
            assertThat(out())
                    .startsWith("Usage: locksmith " + command)
                    .contains("Examples:")
                    .doesNotContain("\t");
        }
        out.reset();
        assertThat(locksmith("--help")).isZero();
        assertThat(out()).contains("Commands:");
        out.reset();
        assertThat(locksmith("help", "run")).isZero();
        assertThat(out()).startsWith("Usage: locksmith run");
    }

    @Test
    void usageErrorsAreOneLineAndStatus64() {
        assertThat(locksmith("frobnicate")).isEqualTo(64);
        assertThat(err())
                .isEqualTo("locksmith: unknown command 'frobnicate': use run, inspect, list, release, demo"
                        + " or bench (see 'locksmith --help')" + System.lineSeparator());
        err.reset();
        assertThat(locksmith("release", "--backend", "mem:", "x")).isEqualTo(64);
        assertThat(err().lines()).hasSize(1).first().asString().contains("--force");
        err.reset();
        assertThat(locksmith("list", "--backend", "nosuch://host")).isEqualTo(64);
        assertThat(err().lines()).hasSize(1).first().asString().contains("unknown backend scheme", "mem");
    }

    @Test
    void unknownOptionBeforeTheCommand() {
        assertThat(locksmith("-version")).isEqualTo(64);
        assertThat(err())
                .isEqualTo("locksmith: unknown option '-version' (see 'locksmith --help')" + System.lineSeparator());
    }

    @Test
    void globalOptionsMayComeBeforeTheCommand() {
        assertThat(locksmith("--backend", "mem:", "list", "--json")).isZero();
        assertThat(out().trim()).isEqualTo("[]");
    }

    @Test
    void runPassesTheProgramStatusThrough() {
        assertThat(locksmith("run", "--backend", "mem:", "--name", "x", "--", "sh", "-c", "exit 3"))
                .isEqualTo(3);
        assertThat(err()).isEmpty();
    }

    @Test
    void missingAndNonExecutableProgramsAreReportedLikeAShell() {
        assertThat(locksmith("run", "--backend", "mem:", "--name", "x", "--", "no-such-program-here"))
                .isEqualTo(127);
        assertThat(locksmith("run", "--backend", "mem:", "--name", "x", "--", home.toString()))
                .isEqualTo(126);
        assertThat(err().lines()).hasSize(2);
    }

    @Test
    void aNameTheLibraryRefusesIsAUsageError() {
        assertThat(locksmith("run", "--backend", "mem:", "--name", "bad\u0001name", "--", "true"))
                .isEqualTo(64);
        assertThat(err()).startsWith("locksmith: name must not contain control characters");
    }

    @Test
    void inspectOfAFreeLockSaysFree() {
        assertThat(locksmith("inspect", "--backend", "mem:", "job")).isZero();
        assertThat(out()).isEqualTo("job\tfree" + System.lineSeparator());
        out.reset();
        assertThat(locksmith("inspect", "--backend", "mem:", "job", "--json")).isZero();
        assertThat(out().trim()).isEqualTo("{\"name\":\"job\",\"state\":\"free\",\"holders\":[]}");
    }

    @Test
    void releaseOfAFreeLockSaysSo() {
        assertThat(locksmith("release", "--force", "--backend", "mem:", "job")).isZero();
        assertThat(out()).contains("nothing to release: 'job' was free");
    }
}
