package dev.locksmith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.logging.LogManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The library's log records as the command prints them: one line, no stack trace, no password. */
class CliLoggingTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @AfterEach
    void restoreTheJvmDefaults() throws IOException {
        LogManager.getLogManager().readConfiguration();
    }

    private void install(boolean debug) {
        CliLogging.install(new PrintStream(err, true, StandardCharsets.UTF_8), debug);
    }

    private static RuntimeException storeDown() {
        return new IllegalStateException(
                "cannot reach redis://app:lspw@127.0.0.1:6390",
                new RuntimeException("wrapped", new ConnectException("Connection refused")));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aWarningWithAThrowableIsOneLineWithoutStackTraceOrPassword() {
        install(false);
        System.Logger log = System.getLogger("dev.locksmith");
        log.log(System.Logger.Level.WARNING, "renewing 1 leases failed; retrying until their deadlines", storeDown());
        assertThat(err().lines())
                .containsExactly("locksmith: renewing 1 leases failed; retrying until their deadlines: cannot reach"
                        + " redis://app:***@127.0.0.1:6390: Connection refused");
        assertThat(err()).doesNotContain("\tat ").doesNotContain("lspw");
    }

    @Test
    void debugRecordsAreHiddenAndRepeatsAreDropped() {
        install(false);
        System.Logger log = System.getLogger("dev.locksmith.internal.LeaseKeeper");
        log.log(System.Logger.Level.DEBUG, "renewal failure", storeDown());
        log.log(System.Logger.Level.INFO, "an info line");
        for (int i = 0; i < 5; i++) {
            log.log(System.Logger.Level.WARNING, "renewing failed: Connection refused");
        }
        log.log(System.Logger.Level.ERROR, "multi\nline\n  message");
        assertThat(err().lines())
                .containsExactly("locksmith: renewing failed: Connection refused", "locksmith: multi line message");
    }

    @Test
    void driversLoggingThroughJavaUtilLoggingAreOneLineToo() {
        install(false);
        java.util.logging.Logger.getLogger("org.postgresql.Driver")
                .log(
                        java.util.logging.Level.SEVERE,
                        "Connection error: jdbc:postgresql://h/db?password=lspw",
                        storeDown());
        assertThat(err().lines()).hasSize(1).first().asString().startsWith("locksmith: Connection error: ");
        assertThat(err()).doesNotContain("lspw").doesNotContain("\tat ");
    }

    @Test
    void debugShowsDebugRecordsAndStackTracesMasked() {
        install(true);
        System.getLogger("dev.locksmith.internal.LeaseKeeper")
                .log(System.Logger.Level.DEBUG, "renewal failure", storeDown());
        assertThat(err())
                .startsWith("locksmith: FINE dev.locksmith.internal.LeaseKeeper: renewal failure: cannot reach")
                .contains("\tat ", "Caused by: java.net.ConnectException: Connection refused")
                .doesNotContain("lspw");
    }

    @Test
    void theDebugVariable() {
        assertThat(CliLogging.debug(Map.of())).isFalse();
        for (String off : new String[] {"", "0", "false", "no", "OFF"}) {
            assertThat(CliLogging.debug(Map.of(CliLogging.DEBUG_ENV, off)))
                    .as(off)
                    .isFalse();
        }
        for (String on : new String[] {"1", "true", "yes", "on"}) {
            assertThat(CliLogging.debug(Map.of(CliLogging.DEBUG_ENV, on)))
                    .as(on)
                    .isTrue();
        }
    }
}
