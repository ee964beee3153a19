package dev.locksmith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code locksmith demo} end to end: worker processes on the embedded default. */
class DemoIT {
    @TempDir
    Path home;

    @Test
    void demoReportsAllIncrementsInOrderWithoutOverlap() {
        LocksmithProcess.Result demo =
                new LocksmithProcess(home).run(Duration.ofMinutes(3), "demo", "--workers", "3", "--increments", "4");
        assertThat(demo.status()).as(demo.stdout() + demo.stderr()).isZero();
        assertThat(demo.stdout())
                .contains("increments       12 of 12")
                .contains("final count      12")
                .contains("(strictly increasing)")
                .contains("overlaps found   none")
                .contains("OK: ");
        assertThat(demo.stderr()).isEmpty();
        RunIT.assertNothingHeld(new LocksmithProcess(home));
    }
}
