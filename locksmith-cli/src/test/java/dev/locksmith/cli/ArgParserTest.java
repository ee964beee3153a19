package dev.locksmith.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArgParserTest {

    private static ArgParser.Parsed run(String... args) {
        return RunCommand.parser().parse(List.of(args));
    }

    @Test
    void readsOptionsInBothFormsAndTheProgramAfterDashDash() {
        ArgParser.Parsed p = run("--name", "nightly", "--ttl=10s", "--no-wait", "--", "sh", "-c", "echo --name");
        assertThat(p.value("--name")).isEqualTo("nightly");
        assertThat(p.value("--ttl")).isEqualTo("10s");
        assertThat(p.has("--no-wait")).isTrue();
        assertThat(p.dashDash()).isTrue();
        assertThat(p.positionals()).containsExactly("sh", "-c", "echo --name");
    }

    @Test
    void theProgramStartsAtTheFirstPositionalWithoutDashDash() {
        ArgParser.Parsed p = run("-n", "x", "grep", "--help", "file");
        assertThat(p.value("--name")).isEqualTo("x");
        assertThat(p.help()).isFalse();
        assertThat(p.positionals()).containsExactly("grep", "--help", "file");
    }

    @Test
    void unknownOptionIsAUsageErrorNamingItAndTheCommand() {
        assertThatThrownBy(() -> run("--name", "x", "--frobnicate", "--", "true"))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("'--frobnicate'")
                .hasMessageContaining("locksmith run --help");
    }

    @Test
    void missingValueAndRepeatedOptionAreUsageErrors() {
        assertThatThrownBy(() -> run("--name")).hasMessageContaining("--name needs a value");
        assertThatThrownBy(() -> run("--name", "a", "--name", "b", "true")).hasMessageContaining("more than once");
        assertThatThrownBy(() -> run("--no-wait=yes", "--name", "a", "true")).hasMessageContaining("takes no value");
    }

    @Test
    void helpWinsOverOtherErrors() {
        assertThat(run("--bogus", "--help").help()).isTrue();
        assertThat(run("-h").help()).isTrue();
    }

    @Test
    void runSettingsHaveDefaultsAndChecks() {
        RunCommand.Settings s = RunCommand.Settings.from(run("--name", "job", "--", "true"));
        assertThat(s.ttl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.maxWait()).isNull();
        assertThat(s.noWait()).isFalse();
        assertThat(s.permits()).isZero();
        assertThat(s.onLost()).isEqualTo(RunCommand.OnLost.KILL);
        assertThat(s.command()).containsExactly("true");

        RunCommand.Settings t = RunCommand.Settings.from(
                run("--name", "job", "--ttl", "PT5S", "--wait", "1m30s", "--permits", "3", "--on-lost", "warn", "x"));
        assertThat(t.ttl()).isEqualTo(Duration.ofSeconds(5));
        assertThat(t.maxWait()).isEqualTo(Duration.ofSeconds(90));
        assertThat(t.permits()).isEqualTo(3);
        assertThat(t.onLost()).isEqualTo(RunCommand.OnLost.WARN);
    }

    @Test
    void runSettingsRejectBadValuesNamingTheOption() {
        assertThatThrownBy(() -> RunCommand.Settings.from(run("--", "true"))).hasMessageContaining("missing --name");
        assertThatThrownBy(() -> RunCommand.Settings.from(run("--name", "j"))).hasMessageContaining("missing program");
        assertThatThrownBy(() -> RunCommand.Settings.from(run("--name", "j", "--ttl", "0s", "true")))
                .hasMessageContaining("--ttl must be positive");
        assertThatThrownBy(() -> RunCommand.Settings.from(run("--name", "j", "--ttl", "ten", "true")))
                .hasMessageStartingWith("--ttl must be a duration such as 500ms, 2s, 1m30s or PT2S, was 'ten'");
        assertThatThrownBy(() -> RunCommand.Settings.from(run("--name", "j", "--wait", "1s", "--no-wait", "true")))
                .hasMessageContaining("either --wait or --no-wait");
        assertThatThrownBy(() -> RunCommand.Settings.from(run("--name", "j", "--permits", "0", "true")))
                .hasMessageContaining("--permits must be");
        assertThatThrownBy(() -> RunCommand.Settings.from(run("--name", "j", "--permits", "many", "true")))
                .hasMessageContaining("--permits must be");
        assertThatThrownBy(() -> RunCommand.Settings.from(run("--name", "j", "--on-lost", "ignore", "true")))
                .hasMessageContaining("--on-lost must be kill or warn");
        assertThatThrownBy(() -> RunCommand.Settings.from(run("--name", " ", "true")))
                .hasMessageContaining("--name must be");
    }
}
