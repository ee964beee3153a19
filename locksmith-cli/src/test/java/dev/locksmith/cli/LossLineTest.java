package dev.locksmith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.Locksmith;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run} exits 76 only after the line about the lost lease is out, even when the program ends
 * by itself while that line is still being written (a slow stderr here, a descheduled thread in life).
 */
class LossLineTest {
    @TempDir
    Path home;

    /** stderr that takes its time: the program is told to end as soon as a write begins. */
    private static final class SlowStream extends OutputStream {
        private final ByteArrayOutputStream written = new ByteArrayOutputStream();
        private final Path go;

        SlowStream(Path go) {
            this.go = go;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            try {
                if (!Files.exists(go)) {
                    Files.createFile(go);
                }
                Thread.sleep(400);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (written) {
                written.write(b, off, len);
            }
        }

        String text() {
            synchronized (written) {
                return written.toString(StandardCharsets.UTF_8);
            }
        }
    }

    @Test
    void theLostLineIsWrittenBeforeRunReturns() throws Exception {
        String store = "mem:loss-" + UUID.randomUUID();
        Path ready = home.resolve("ready");
        Path go = home.resolve("go");
        SlowStream err = new SlowStream(go);
        Cli cli = new Cli(
                new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, false, StandardCharsets.UTF_8),
                Map.of("LOCKSMITH_HOME", home.toString(), "PATH", System.getenv("PATH")),
                false);
        CompletableFuture<String> errAtReturn = new CompletableFuture<>();
        Thread runner = new Thread(() -> {
            int status = new Main(cli).run(new String[] {
                "run",
                "--backend",
                store,
                "--ttl",
                "1500ms",
                "--name",
                "lossy",
                "--",
                "sh",
                "-c",
                "touch " + ready + "; while [ ! -e " + go + " ]; do sleep 0.01; done"
            });
            errAtReturn.complete(status + " " + err.text());
        });
        try (Locksmith operator = Locksmith.connect(store)) {
            runner.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(ready) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(ready).exists();
            // the holder hears it at its next renewal (within TTL/3) and says so; meanwhile the program ends
            assertThat(operator.forceRelease("lossy")).hasSize(1);
            String result = errAtReturn.get(30, TimeUnit.SECONDS);
            assertThat(result)
                    .startsWith("76 locksmith: lost the lease on 'lossy' (token 1, the store no longer has it");
        } finally {
            runner.join(Duration.ofSeconds(30).toMillis());
        }
    }
}
