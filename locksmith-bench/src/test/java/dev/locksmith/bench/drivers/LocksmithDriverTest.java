package dev.locksmith.bench.drivers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LocksmithDriverTest {

    @Test
    void pooledSqlUrisGetAPoolAsLargeAsThePeersOnlyWhenTheDefaultIsTooSmall() {
        assertThat(LocksmithDriver.sized("jdbc:postgresql://h:5432/test?user=postgres", 16))
                .isEqualTo("jdbc:postgresql://h:5432/test?user=postgres&locksmith.poolSize=17");
        assertThat(LocksmithDriver.sized("jdbc:mariadb://h/test", 16))
                .isEqualTo("jdbc:mariadb://h/test?locksmith.poolSize=17");
        assertThat(LocksmithDriver.sized("jdbc:postgresql://h/test", 1)).isEqualTo("jdbc:postgresql://h/test");
        assertThat(LocksmithDriver.sized("jdbc:sqlite:/tmp/x.db", 16)).isEqualTo("jdbc:sqlite:/tmp/x.db");
        assertThat(LocksmithDriver.sized("redis://h:6379", 16)).isEqualTo("redis://h:6379");
        assertThat(LocksmithDriver.sized("jdbc:postgresql://h/t?locksmith.poolSize=4", 16))
                .isEqualTo("jdbc:postgresql://h/t?locksmith.poolSize=4");
    }

    @Test
    void randomNamesAreValidNamespacesAndSqlIdentifiers() {
        assertThat(Names.randomNamespace()).matches("bench-[0-9a-f]{1,6}");
        assertThat(Names.randomTablePrefix()).matches("bench_[0-9a-f]{1,6}_");
        assertThat(RedisTarget.parse("redis://10.1.2.3:7000")).isEqualTo(new RedisTarget("10.1.2.3", 7000));
        assertThat(RedisTarget.parse("redis://localhost").port()).isEqualTo(6379);
    }
}
