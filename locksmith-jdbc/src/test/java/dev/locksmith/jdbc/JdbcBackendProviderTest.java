package dev.locksmith.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.Locksmith;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JdbcBackendProviderTest {

    @Test
    void stripsLocksmithQueryParameters() {
        List<String[]> options = new ArrayList<>();
        String url = JdbcBackendProvider.stripOptions(
                "jdbc:postgresql://h/db?user=u&locksmith.tablePrefix=x_&password=p&locksmith.poolSize=2", options);
        assertThat(url).isEqualTo("jdbc:postgresql://h/db?user=u&password=p");
        assertThat(options).extracting(o -> o[0] + "=" + o[1]).containsExactly("tablePrefix=x_", "poolSize=2");
    }

    @Test
    void stripsTheOnlyQueryParameter() {
        List<String[]> options = new ArrayList<>();
        assertThat(JdbcBackendProvider.stripOptions("jdbc:sqlite:/tmp/a.db?locksmith.createSchema=false", options))
                .isEqualTo("jdbc:sqlite:/tmp/a.db");
        assertThat(options).hasSize(1);
    }

    @Test
    void stripsSemicolonSettings() {
        List<String[]> options = new ArrayList<>();
        assertThat(JdbcBackendProvider.stripOptions(
                        "jdbc:h2:mem:x;DB_CLOSE_DELAY=-1;locksmith.tablePrefix=t_", options))
                .isEqualTo("jdbc:h2:mem:x;DB_CLOSE_DELAY=-1");
        assertThat(options).extracting(o -> o[1]).containsExactly("t_");
    }

    @Test
    void leavesOtherUrlsAlone() {
        List<String[]> options = new ArrayList<>();
        String url = "jdbc:mariadb://h:3306/db?user=root";
        assertThat(JdbcBackendProvider.stripOptions(url, options)).isEqualTo(url);
        assertThat(options).isEmpty();
    }

    @Test
    void redactsPasswords() {
        assertThat(JdbcBackendProvider.redact("jdbc:postgresql://h/db?user=u&password=secret&ssl=true"))
                .isEqualTo("jdbc:postgresql://h/db?user=u&password=***&ssl=true");
        assertThat(JdbcBackendProvider.redact("jdbc:h2:mem:x;USER=sa;PASSWORD=secret"))
                .isEqualTo("jdbc:h2:mem:x;USER=sa;PASSWORD=***");
    }

    @Test
    void unknownAndMalformedOptionsAreRejectedByName() {
        assertThatThrownBy(() -> Locksmith.connect("jdbc:h2:mem:p1;locksmith.poolsize=2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("locksmith.poolsize")
                .hasMessageContaining("poolSize");
        assertThatThrownBy(() -> Locksmith.connect("jdbc:h2:mem:p1;locksmith.poolSize=0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("locksmith.poolSize must be 1 to 1000, was 0");
        assertThatThrownBy(() -> Locksmith.connect("jdbc:h2:mem:p1;locksmith.createSchema=yes"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("true or false");
        assertThatThrownBy(() -> Locksmith.connect("jdbc:h2:mem:p1;locksmith.tablePrefix=bad-prefix"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tablePrefix");
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
        assertThat(JdbcBackend.ttlMillis(java.time.Duration.ofNanos(1))).isEqualTo(1);
        assertThat(JdbcBackend.ttlMillis(java.time.Duration.ofMillis(1500))).isEqualTo(1500);
        assertThat(JdbcBackend.ttlMillis(java.time.Duration.ofNanos(1_500_001))).isEqualTo(2);
        assertThatThrownBy(() -> JdbcBackend.ttlMillis(java.time.Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ttl must be positive, was PT-0.001S");
    }

    @Test
    void likePatternsAreEscaped() {
        assertThat(JdbcBackend.likeEscape("a%b_c!d")).isEqualTo("a!%b!_c!!d");
    }
}
