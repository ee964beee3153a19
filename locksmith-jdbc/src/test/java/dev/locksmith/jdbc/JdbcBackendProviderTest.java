package dev.locksmith.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.locksmith.Locksmith;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JdbcBackendProviderTest {

    @Test
    void stripsLocksmithQueryParameters() {
        Map<String, String> options = new LinkedHashMap<>();
        String url = JdbcBackendProvider.stripOptions(
                "jdbc:postgresql://h/db?user=u&locksmith.tablePrefix=x_&password=p&locksmith.poolSize=2", options);
        assertThat(url).isEqualTo("jdbc:postgresql://h/db?user=u&password=p");
        assertThat(options).containsExactly(entry("locksmith.tablePrefix", "x_"), entry("locksmith.poolSize", "2"));
    }

    @Test
    void stripsTheOnlyQueryParameter() {
        Map<String, String> options = new LinkedHashMap<>();
        assertThat(JdbcBackendProvider.stripOptions("jdbc:sqlite:/tmp/a.db?locksmith.createSchema=false", options))
                .isEqualTo("jdbc:sqlite:/tmp/a.db");
        assertThat(options).hasSize(1);
    }

    @Test
    void stripsSemicolonSettings() {
        Map<String, String> options = new LinkedHashMap<>();
        assertThat(JdbcBackendProvider.stripOptions(
                        "jdbc:h2:mem:x;DB_CLOSE_DELAY=-1;locksmith.tablePrefix=t_", options))
                .isEqualTo("jdbc:h2:mem:x;DB_CLOSE_DELAY=-1");
        assertThat(options).containsExactly(entry("locksmith.tablePrefix", "t_"));
    }

    @Test
    void leavesOtherUrlsAlone() {
        Map<String, String> options = new LinkedHashMap<>();
        String url = "jdbc:mariadb://h:3306/db?user=root";
        assertThat(JdbcBackendProvider.stripOptions(url, options)).isEqualTo(url);
        assertThat(options).isEmpty();
    }

    /**
     * No message shows a password, in any form a JDBC URL carries one (issue 18 point 5). Failed on
     * the code before Redaction: "cannot open" printed {@code user:pass@} URLs as given.
     */
    @Test
    void noMessageShowsAPassword() {
        String secret = "s3cr3t";
        for (String url : List.of(
                "jdbc:postgresql://u:" + secret + "@127.0.0.1:1/test",
                "jdbc:postgresql://u:p@" + secret + "@127.0.0.1:1/test",
                "jdbc:postgresql://127.0.0.1:1/test?user=u&password=" + secret,
                "jdbc:postgresql://127.0.0.1:1/test?user=u&password=p@" + secret + "&ssl=false",
                "jdbc:mariadb://u:" + secret + "@127.0.0.1:1/test",
                "jdbc:h2:tcp://127.0.0.1:1/x;USER=sa;PASSWORD=" + secret,
                "jdbc:nosuchdb://u:" + secret + "@h/db?password=" + secret,
                "jdbc:h2:mem:x;PASSWORD=" + secret + ";locksmith.poolSize=0")) {
            assertThatThrownBy(() -> Locksmith.builder()
                            .uri(url)
                            .connectTimeout(java.time.Duration.ofSeconds(2))
                            .build())
                    .as(url)
                    .satisfies(e -> {
                        for (Throwable t = e; t != null; t = t.getCause()) {
                            if (t instanceof dev.locksmith.LockException || t instanceof IllegalArgumentException) {
                                assertThat(t.getMessage()).as(url).doesNotContain(secret);
                            }
                        }
                    });
        }
    }

    @Test
    void unknownAndMalformedOptionsAreRejectedByName() {
        assertThatThrownBy(() -> Locksmith.connect("jdbc:h2:mem:p1;locksmith.poolsize=2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("locksmith.poolsize")
                .hasMessageContaining("poolSize");
        assertThatThrownBy(() -> Locksmith.connect("jdbc:h2:mem:p1;locksmith.poolSize=0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("locksmith.poolSize must be a whole number from 1 to 1000, was '0'");
        assertThatThrownBy(() -> Locksmith.connect("jdbc:h2:mem:p1;locksmith.createSchema=maybe"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("true or false");
        assertThatThrownBy(() -> Locksmith.connect("jdbc:h2:mem:p1;locksmith.busyTimeout=-1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("locksmith.busyTimeout must be a duration");
        assertThatThrownBy(() -> Locksmith.connect("jdbc:h2:mem:p1;locksmith.poolSize"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs a value");
        assertThatThrownBy(() -> Locksmith.connect("jdbc:h2:mem:p1;locksmith.tablePrefix=bad-prefix"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tablePrefix");
    }

    @Test
    void busyTimeoutTakesDurationsAndBareMilliseconds() {
        assertThat(options("jdbc:sqlite:/tmp/a.db?locksmith.busyTimeout=250").busyTimeout())
                .isEqualTo(java.time.Duration.ofMillis(250));
        assertThat(options("jdbc:sqlite:/tmp/a.db?locksmith.busyTimeout=1m30s").busyTimeout())
                .isEqualTo(java.time.Duration.ofSeconds(90));
        assertThat(options("jdbc:sqlite:/tmp/a.db?locksmith.busyTimeout=PT2S").busyTimeout())
                .isEqualTo(java.time.Duration.ofSeconds(2));
        assertThat(options("jdbc:sqlite:/tmp/a.db").busyTimeout()).isEqualTo(JdbcOptions.DEFAULT_BUSY_TIMEOUT);
        assertThat(options("jdbc:sqlite:/tmp/a.db").poolSize()).isEqualTo(JdbcOptions.DEFAULT_SQLITE_POOL_SIZE);
        assertThat(options("jdbc:sqlite::memory:?locksmith.poolSize=5").poolSize())
                .isEqualTo(1);
        assertThat(options("jdbc:h2:mem:x;locksmith.createSchema=false;locksmith.notifications=off"))
                .satisfies(o -> {
                    assertThat(o.createSchema()).isFalse();
                    assertThat(o.notifications()).isFalse();
                    assertThat(o.poolSize()).isEqualTo(JdbcOptions.DEFAULT_POOL_SIZE);
                });
    }

    private static JdbcOptions options(String uri) {
        Map<String, String> given = new LinkedHashMap<>();
        String url = JdbcBackendProvider.stripOptions(uri, given);
        return JdbcBackendProvider.options(given, url);
    }

    @Test
    void opensAnEmbeddedH2ThroughTheServiceLoader() {
        assertThat(Locksmith.knownSchemes()).contains("jdbc");
        try (Locksmith l = Locksmith.connect("jdbc:h2:mem:provider_test;locksmith.tablePrefix=pt_")) {
            assertThat(l.lock("a").tryAcquire()).isPresent();
            assertThat(l.capabilities().durableTokens()).isTrue();
            assertThat(l.capabilities().releaseNotifications()).isFalse();
        }
    }

    @Test
    void privateInMemoryDatabasesAreRecognised() {
        assertThat(JdbcBackendProvider.privateInMemory("jdbc:sqlite::memory:")).isTrue();
        assertThat(JdbcBackendProvider.privateInMemory("jdbc:sqlite:")).isTrue();
        assertThat(JdbcBackendProvider.privateInMemory("jdbc:sqlite:file:x?mode=memory"))
                .isTrue();
        assertThat(JdbcBackendProvider.privateInMemory("jdbc:sqlite:file:x?mode=memory&cache=shared"))
                .isFalse();
        assertThat(JdbcBackendProvider.privateInMemory("jdbc:sqlite:/tmp/x.db")).isFalse();
        assertThat(JdbcBackendProvider.privateInMemory("jdbc:h2:mem:")).isTrue();
        assertThat(JdbcBackendProvider.privateInMemory("jdbc:h2:mem:named")).isFalse();
    }

    @Test
    void sqliteInMemoryWorksAcrossThreadsThroughOneSharedConnection() throws Exception {
        try (Locksmith l = Locksmith.connect("jdbc:sqlite::memory:")) {
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                List<java.util.concurrent.Future<Boolean>> results = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    String name = "k" + i;
                    results.add(pool.submit(() -> l.lock(name).tryAcquire().isPresent()));
                }
                for (var f : results) {
                    assertThat(f.get()).isTrue();
                }
            } finally {
                pool.shutdown();
            }
            assertThat(l.list()).hasSize(4);
        }
    }

    @Test
    void ttlRoundsUpToWholeMilliseconds() {
        assertThat(Grants.ttlMillis(java.time.Duration.ofNanos(1))).isEqualTo(1);
        assertThat(Grants.ttlMillis(java.time.Duration.ofMillis(1500))).isEqualTo(1500);
        assertThat(Grants.ttlMillis(java.time.Duration.ofNanos(1_500_001))).isEqualTo(2);
        assertThatThrownBy(() -> Grants.ttlMillis(java.time.Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ttl must be positive, was PT-0.001S");
    }

    @Test
    void likePatternsAreEscaped() {
        assertThat(Grants.likeEscape("a%b_c!d")).isEqualTo("a!%b!_c!!d");
    }
}
