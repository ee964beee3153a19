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
    void noMessageShowsAPassword() {
        // each fails before or while connecting: a malformed URI, a refused connection, no driver
        String[] backends = {
            "redis://lsuser:lspw@127.0.0.1:6420/abc",
            "redis://lspw@127.0.0.1:6420/abc",
            "redis://lsuser:ls@pw@127.0.0.1:6420/abc",
            "redis://lsuser:lspw@127.0.0.1:1",
            "rediss://lspw@127.0.0.1:1/0?trustStore=/no/such/file&trustStorePassword=lspw",
            "redis://lsuser:lspw@127.0.0.1:port",
            "redis://:lspw@127.0.0.1:6420?colour=red",
            "jdbc:postgresql://127.0.0.1:1/x?user=u&password=lspw",
            "jdbc:postgresql://127.0.0.1:1/x?user=u&password=lspw&locksmith.poolSize=x",
            "jdbc:nosuchdb://lsuser:lspw@127.0.0.1:1/x",
            "jdbc:h2:mem:x;USER=sa;PASSWORD=lspw",
            "nosuch://lsuser:lspw@127.0.0.1:1",
            "redis://lsuser:lspw@127.0.0.1:6420/ab c",
            "redis://u:ls pw@127.0.0.1:1",
            "redis://u:ls'pw@127.0.0.1:1/x",
            "redis://u:ls\"pw@127.0.0.1:1/x",
            "jdbc:postgresql://127.0.0.1:1/x?password=ls pw",
        };
        for (String backend : backends) {
            err.reset();
            int status = locksmith("list", "--connect-timeout", "2s", "--backend", backend);
            assertThat(status).as(backend).isIn(64, 69);
            assertThat(err())
                    .as(backend)
                    .startsWith("locksmith: ")
                    .doesNotContain("lspw", "pw@", "ls pw", "ls'pw", "ls\"pw");
            assertThat(err().lines()).as(backend).hasSize(1);
            err.reset();
            assertThat(locksmith("run", "--backend", backend, "--connect-timeout", "2s", "--name", "x", "--", "true"))
                    .isIn(64, 69);
            assertThat(err()).as(backend).doesNotContain("lspw", "pw@", "ls pw", "ls'pw", "ls\"pw");
        }
    }

    @Test
    void namesThatAreNotExactTextAreUsageErrors() {
        // what the JVM makes of job-\xff and job-\xfe alike, and lone surrogates
        for (String name : new String[] {"job-\uFFFD", "svc-\uD800", "svc-\uDFFF", "\uD800x"}) {
            err.reset();
            assertThat(locksmith("run", "--backend", "mem:", "--name", name, "--", "true"))
                    .isEqualTo(Exit.USAGE);
            assertThat(err()).startsWith("locksmith: --name must be valid text (UTF-8); character ");
            err.reset();
            assertThat(locksmith("inspect", "--backend", "mem:", name)).isEqualTo(Exit.USAGE);
            assertThat(err()).startsWith("locksmith: NAME must be valid text (UTF-8); character ");
            err.reset();
            assertThat(locksmith("release", "--force", "--backend", "mem:", name))
                    .isEqualTo(Exit.USAGE);
            assertThat(err().lines()).hasSize(1).first().asString().contains("must be valid text");
        }
        assertThat(locksmith("inspect", "--backend", "mem:", "jöb-\uD83D\uDE00"))
                .isZero();
    }

    @Test
    void ownerIdsHaveTheLibraryFormat() throws Exception {
        Path file = home.resolve("owner");
        assertThat(locksmith(
                        "run",
                        "--backend",
                        "mem:",
                        "--name",
                        "x",
                        "--",
                        "sh",
                        "-c",
                        "printf %s \"$LOCKSMITH_OWNER\" > " + file))
                .isZero();
        // host:pid:random:n, as the library names owners everywhere else
        assertThat(java.nio.file.Files.readString(file))
                .matches("[A-Za-z0-9_.-]+:" + ProcessHandle.current().pid() + ":[0-9a-f]{8}:[0-9]+");
    }

    @Test
    void durationsUseTheSettingsGrammar() {
        assertThat(locksmith("run", "--backend", "mem:", "--ttl", "10 minutes", "--name", "x", "--", "true"))
                .isEqualTo(Exit.USAGE);
        assertThat(err())
                .isEqualTo("locksmith: --ttl must be a duration such as 500ms, 2s, 1m30s or PT2S, was '10 minutes'"
                        + " (missing unit after 10)" + System.lineSeparator());
        assertThat(locksmith("run", "--backend", "mem:", "--ttl", "1M", "--wait", "250us", "--name", "x", "--", "true"))
                .isZero();
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
