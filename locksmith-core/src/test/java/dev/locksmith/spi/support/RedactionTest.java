package dev.locksmith.spi.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RedactionTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "redis://lsuser:lspw@127.0.0.1:6420/abc | redis://lsuser:***@127.0.0.1:6420/abc",
                "redis://:lspw@127.0.0.1:6420 | redis://:***@127.0.0.1:6420",
                "redis://lspw@127.0.0.1:6420 | redis://***@127.0.0.1:6420",
                "rediss://lspw@host/0?socketTimeout=2s | rediss://***@host/0?socketTimeout=2s",
                "redis-sentinel://lspw@s1:26379,s2:26379/mymaster | redis-sentinel://***@s1:26379,s2:26379/mymaster",
                "redis-sentinel://u:p@s1,s2/m | redis-sentinel://u:***@s1,s2/m",
                "redis://u:p@ss@host | redis://u:***@host",
                "redis://u:p@ss@w@host:1/0 | redis://u:***@host:1/0",
                "redis://u:p/w@host | redis://u:***@host",
                "redis://u:p?w@host | redis://u:***@host",
                "redis://u:p#w@host:6379/0 | redis://u:***@host:6379/0",
                "redis://u:p%40w@host | redis://u:***@host",
                "redis://u:@host | redis://u:***@host",
                "redis://host:6379/0 | redis://host:6379/0",
                "redis://host:6379/0?clientName=a@b | redis://host:6379/0?clientName=a@b",
                "redis://h1:7101,h2:7102 | redis://h1:7101,h2:7102",
                "nats://TOKEN@host:4222 | nats://***@host:4222",
                "https://TOKEN@example.com/x | https://***@example.com/x",
                "unknown+scheme://secret@host | unknown+scheme://***@host",
                "postgresql://app@db/x | postgresql://app@db/x",
                "mongodb+srv://app:pw@cluster/x | mongodb+srv://app:***@cluster/x",
                "jdbc:postgresql://db:5432/app?user=app&password=s3cret | jdbc:postgresql://db:5432/app?user=app&password=***",
                "jdbc:postgresql://db/app?password=s3cret&user=app | jdbc:postgresql://db/app?password=***&user=app",
                "jdbc:postgresql://u:pw@db/app | jdbc:postgresql://u:***@db/app",
                "jdbc:mysql://u:p@ss@db:3306/app | jdbc:mysql://u:***@db:3306/app",
                "jdbc:mariadb://db/app?user=u&PASSWORD=x&ssl=true | jdbc:mariadb://db/app?user=u&PASSWORD=***&ssl=true",
                "jdbc:mariadb://db/app?pwd=x | jdbc:mariadb://db/app?pwd=***",
                "jdbc:mariadb://db/app?Passwd=x | jdbc:mariadb://db/app?Passwd=***",
                "jdbc:h2:tcp://db/~/x;USER=sa;PASSWORD=secret;MODE=MySQL | jdbc:h2:tcp://db/~/x;USER=sa;PASSWORD=***;MODE=MySQL",
                "jdbc:sqlserver://db:1433;databaseName=x;user=u;password=p@ss | jdbc:sqlserver://db:1433;databaseName=x;user=u;password=***",
                "jdbc:mysql://address=(host=db)(user=u)(password=pw)/x | jdbc:mysql://address=(host=db)(user=u)(password=***",
                "jdbc:oracle:thin:scott/tiger@db:1521:orcl | jdbc:oracle:thin:scott/***@db:1521:orcl",
                "jdbc:oracle:thin:scott/ti@ger@db:1521:orcl | jdbc:oracle:thin:scott/***@db:1521:orcl",
                "jdbc:oracle:thin:@//db:1521/x | jdbc:oracle:thin:@//db:1521/x",
                "rediss://h?trustStore=/t.p12&trustStorePassword=tp&keyStorePassword=kp | rediss://h?trustStore=/t.p12&trustStorePassword=***&keyStorePassword=***",
                "jdbc:sqlite:/tmp/locks.db | jdbc:sqlite:/tmp/locks.db",
                "mem:shared | mem:shared",
            })
    void masksEveryFormOfAPassword(String uri, String masked) {
        assertThat(Redaction.maskUri(uri)).isEqualTo(masked);
        assertThat(Redaction.mask(uri)).isEqualTo(masked);
        assertThat(Redaction.mask("cannot reach " + uri + " (refused)"))
                .isEqualTo("cannot reach " + masked + " (refused)");
        assertThat(Redaction.mask("was '" + uri + "'")).isEqualTo("was '" + masked + "'");
        assertThat(Redaction.mask(masked)).as("idempotent").isEqualTo(masked);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "backend unavailable (redis://lsuser:lspw@127.0.0.1:6420/abc): connection refused",
                "uri must name a host, was 'redis://lspw@'",
                "first redis://a:lspw@h1 then jdbc:postgresql://h/db?password=lspw and rediss://lspw@h2",
                "\"redis://x:lspw@h\"",
                "<redis://lspw@h>",
                "cannot open jdbc:h2:mem:x;PASSWORD=lspw: bad",
                "redis://u:lspw@@host",
                "REDIS://U:lspw@HOST",
                "uri:redis://u:lspw@host",
                "url=jdbc:postgresql://h/db?user=u&password=lspw, retrying",
                "password=lspw",
                "login failed, password=lspw",
            })
    void noPasswordSurvivesInALongerMessage(String message) {
        assertThat(Redaction.mask(message)).doesNotContain("lspw").contains(Redaction.MASK);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "lock 'a@b' is held by host:123:abc (token 5)",
                "gave up waiting (--wait 2s): lock 'job' is held",
                "email me@example.com",
                "ttl must be positive, was PT-1S",
                "",
            })
    void textWithoutUrisIsUnchanged(String message) {
        assertThat(Redaction.mask(message)).isEqualTo(message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis://u:p w@host", "jdbc:postgresql://h/db?password=a b"})
    void maskUriTreatsTheWholeTextAsOneUri(String uri) {
        assertThat(Redaction.maskUri(uri)).doesNotContain("p w").doesNotContain("a b");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"redis://u:p w@host", "redis://u:p'w@host/x", "redis://u:p\"w@h", "jdbc:h2:mem:x;PASSWORD=a b"})
    void aKnownUriIsMaskedWhole(String uri) {
        String message = "uri is not a valid URI: '" + uri + "' (Illegal character): at index 8: " + uri;
        String masked = Redaction.mask(message, uri);
        assertThat(masked).doesNotContain("p w", "p'w", "p\"w", "a b").contains(Redaction.MASK);
        assertThat(Redaction.mask(message, null)).isEqualTo(Redaction.mask(message));
        assertThat(Redaction.mask("nothing here", uri)).isEqualTo("nothing here");
    }

    @org.junit.jupiter.api.Test
    void whatFollowsAKnownUriStays() {
        String uri = "jdbc:postgresql://h:1/x?user=u&password=lspw";
        assertThat(Redaction.mask("backend unavailable (" + uri + "): cannot open " + uri + ": refused", uri))
                .isEqualTo("backend unavailable (jdbc:postgresql://h:1/x?user=u&password=***): cannot open"
                        + " jdbc:postgresql://h:1/x?user=u&password=***: refused");
    }

    @org.junit.jupiter.api.Test
    void maskingTwiceChangesNothing() {
        String once = "backend unavailable (jdbc:postgresql://h:1/x?user=u&password=***): cannot open"
                + " jdbc:postgresql://h:1/x?password=***: refused";
        assertThat(Redaction.mask(once)).isEqualTo(once);
        assertThat(Redaction.mask("(password=***secret)")).isEqualTo("(password=***");
    }

    @org.junit.jupiter.api.Test
    void nullStaysNull() {
        assertThat(Redaction.mask(null, "redis://x")).isNull();
        assertThat(Redaction.mask(null)).isNull();
        assertThat(Redaction.maskUri(null)).isNull();
    }
}
