package dev.locksmith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input to the built command: one line on stderr, the documented status, no lock left held. */
class BadInputIT {
    private static final Duration LONG = Duration.ofMinutes(1);

    @TempDir
    Path home;

    private LocksmithProcess.Result locksmith(String... args) {
        return new LocksmithProcess(home).run(LONG, args);
    }

    private void assertOneLine(LocksmithProcess.Result result, int status, String... fragments) {
        assertThat(result.status()).as(result.stderr()).isEqualTo(status);
        assertThat(result.stderrLines()).hasSize(1);
        assertThat(result.stderr()).startsWith("locksmith: ").contains(fragments);
        assertThat(result.stdout()).isEmpty();
        RunIT.assertNothingHeld(new LocksmithProcess(home));
    }

    @Test
    void unknownOption() {
        assertOneLine(locksmith("run", "--name", "x", "--frobnicate", "--", "true"), 64, "'--frobnicate'");
    }

    @Test
    void badDuration() {
        assertOneLine(locksmith("run", "--name", "x", "--ttl", "10 minutes", "--", "true"), 64, "--ttl", "30s");
    }

    @Test
    void missingProgram() {
        assertOneLine(locksmith("run", "--name", "x", "--", "no-such-program-anywhere"), 127, "not found");
    }

    @Test
    void programThatIsNotExecutable() {
        assertOneLine(locksmith("run", "--name", "x", "--", home.toString()), 126, "not executable");
    }

    @Test
    void unknownSchemeListsTheKnownOnes() {
        assertOneLine(
                locksmith("run", "--backend", "zookeper://localhost", "--name", "x", "--", "true"),
                64,
                "unknown backend scheme 'zookeper'",
                "jdbc",
                "mem",
                "redis");
    }

    @Test
    void unreachableServer() {
        // port 1 on loopback: nothing listens there, so the connection is refused
        assertOneLine(
                locksmith(
                        "run",
                        "--backend",
                        "redis://127.0.0.1:1",
                        "--connect-timeout",
                        "3s",
                        "--name",
                        "x",
                        "--",
                        "true"),
                69,
                "backend unavailable",
                "redis://127.0.0.1:1");
    }

    @Test
    void unopenableDatabaseFile() {
        assertOneLine(
                locksmith("run", "--backend", "jdbc:sqlite:/proc/no-such-dir/locks.db", "--name", "x", "--", "true"),
                69,
                "backend unavailable");
    }

    @Test
    void namesThatAreNotUtf8AreRefusedNotMerged() {
        // the JVM decodes both job-\xff and job-\xfe to job-\uFFFD: taken as is, they would be one lock
        LocksmithProcess utf8 = new LocksmithProcess(home, java.util.Map.of("LC_ALL", "C.UTF-8"));
        assertOneLine(
                utf8.runWithBashArgs(LONG, "run --name $'job-\\xfe' -- true"),
                64,
                "--name must be valid text (UTF-8); character 5 is U+FFFD");
        assertOneLine(utf8.runWithBashArgs(LONG, "inspect $'job-\\xff'"), 64, "NAME must be valid text");
        assertOneLine(utf8.runWithBashArgs(LONG, "release --force $'\\xed\\xa0\\x80x'"), 64, "NAME must be valid text");
        LocksmithProcess.Result valid = utf8.runWithBashArgs(LONG, "inspect $'j\\xc3\\xb6b'");
        assertThat(valid.status()).as(valid.stderr()).isZero();
        assertThat(valid.stdout()).isEqualTo("jöb\tfree\n");
    }

    @Test
    void aUriPasswordIsNeverPrinted() {
        for (String backend : new String[] {
            "redis://lsuser:lspw@127.0.0.1:6420/abc", "redis://lspw@127.0.0.1:1", "redis://u:ls@pw@127.0.0.1:1"
        }) {
            LocksmithProcess.Result result = locksmith("list", "--connect-timeout", "2s", "--backend", backend);
            assertThat(result.status()).as(result.stderr()).isIn(64, 69);
            assertThat(result.stderrLines()).hasSize(1);
            assertThat(result.stderr())
                    .startsWith("locksmith: ")
                    .contains("***")
                    .doesNotContain("lspw", "pw@");
        }
    }

    @Test
    void unreachableServerEnvironmentVariableToo() {
        LocksmithProcess.Result result = new LocksmithProcess(
                        home, java.util.Map.of("LOCKSMITH_BACKEND", "redis://127.0.0.1:1"))
                .run(LONG, "list", "--connect-timeout", "3s");
        assertThat(result.status()).isEqualTo(69);
        assertThat(result.stderrLines()).hasSize(1);
    }
}
