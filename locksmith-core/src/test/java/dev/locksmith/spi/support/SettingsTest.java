package dev.locksmith.spi.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SettingsTest {
    private static final List<String> KNOWN =
            List.of("socketTimeout", "busyTimeout", "maxConnections", "verifyHostname", "mode", "keyPrefix");

    enum Mode {
        AUTO,
        ON,
        OFF
    }

    @ParameterizedTest
    @CsvSource({
        "500ms, PT0.5S",
        "2s, PT2S",
        "1m30s, PT1M30S",
        "1h, PT1H",
        "1d, PT24H",
        "250us, PT0.00025S",
        "100ns, PT0.0000001S",
        "1h2m3s4ms, PT1H2M3.004S",
        "1.5s, PT1.5S",
        "2S, PT2S",
        "1M, PT1M",
        "500MS, PT0.5S",
        "0s, PT0S",
        "0, PT0S",
        "PT2S, PT2S",
        "pt1m, PT1M",
        "P1DT2H, PT26H",
        "' 45s ', PT45S"
    })
    void parsesShortAndIsoDurations(String text, String iso) {
        assertThat(Settings.parseDuration(text, "socketTimeout")).isEqualTo(Duration.parse(iso));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "", " ", "30", "abc", "3x", "s", "1m1h", "1s1s", "-5s", "PT-5S", "-PT5S", "P", "PTxS", "1..5s", "1.s",
                ".5s", "5 s", "1e3s", "١s", "5sec"
            })
    void rejectsWithTheSettingAndTheFormsNamed(String text) {
        assertThatThrownBy(() -> Settings.parseDuration(text, "socketTimeout"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "socketTimeout must be a duration such as 500ms, 2s, 1m30s or PT2S, was '" + text + "'");
    }

    @Test
    void explainsWhy() {
        assertThatThrownBy(() -> Settings.parseDuration("1m1h", "x")).hasMessageContaining("largest to smallest");
        assertThatThrownBy(() -> Settings.parseDuration("3x", "x")).hasMessageContaining("d, h, m, s, ms, us or ns");
        assertThatThrownBy(() -> Settings.parseDuration("30", "x")).hasMessageContaining("needs a unit");
        assertThatThrownBy(() -> Settings.parseDuration("-5s", "x")).hasMessageContaining("negative");
    }

    @ParameterizedTest
    @ValueSource(strings = {"99999999999999999999d", "106752d", "PT9999999999H", "P999999999D"})
    void rejectsDurationsTooLongForNanoseconds(String text) {
        assertThatThrownBy(() -> Settings.parseDuration(text, "ttl"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ttl must be")
                .hasMessageContaining("too long");
    }

    @Test
    void theLongestDurationIsAccepted() {
        assertThat(Settings.parseDuration("106751d", "ttl")).isEqualTo(Duration.ofDays(106751));
    }

    @Test
    void bareNumbersCountInTheUnitTheGetterNames() {
        assertThat(Settings.parseDuration("5000", "busyTimeout", ChronoUnit.MILLIS))
                .isEqualTo(Duration.ofSeconds(5));
        assertThat(Settings.parseDuration("2s", "busyTimeout", ChronoUnit.MILLIS))
                .isEqualTo(Duration.ofSeconds(2));
        assertThatThrownBy(() -> Settings.parseDuration("x", "busyTimeout", ChronoUnit.MILLIS))
                .hasMessageStartingWith(
                        "busyTimeout must be a duration such as 500ms, 2s, 1m30s or PT2S, or a whole number of millis,"
                                + " was 'x'");
        assertThatThrownBy(() -> Settings.parseDuration("-5", "busyTimeout", ChronoUnit.MILLIS))
                .hasMessageContaining("negative");
        assertThatThrownBy(() -> Settings.parseDuration("99999999999999999999", "busyTimeout", ChronoUnit.SECONDS))
                .hasMessageContaining("too long");

        Settings s = Settings.of(Map.of("busyTimeout", "250"), KNOWN);
        assertThat(s.duration("busyTimeout", Duration.ZERO, ChronoUnit.MILLIS)).isEqualTo(Duration.ofMillis(250));
        assertThatThrownBy(() -> s.duration("busyTimeout", Duration.ZERO)).hasMessageContaining("needs a unit");
    }

    @Test
    void positiveGettersRejectZero() {
        Settings s = Settings.fromQuery("socketTimeout=0s&busyTimeout=0", KNOWN);
        assertThat(s.duration("socketTimeout", null)).isZero();
        assertThatThrownBy(() -> s.positiveDuration("socketTimeout", null))
                .hasMessageStartingWith(
                        "socketTimeout must be a positive duration such as 500ms, 2s, 1m30s or PT2S," + " was '0s'");
        assertThatThrownBy(() -> s.positiveDuration("busyTimeout", null, ChronoUnit.MILLIS))
                .hasMessageStartingWith("busyTimeout must be a positive duration");
    }

    @Test
    void defaultsWhenAbsent() {
        Settings s = Settings.fromQuery(null, KNOWN);
        assertThat(s.keys()).isEmpty();
        assertThat(s.duration("socketTimeout", Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.positiveDuration("socketTimeout", null)).isNull();
        assertThat(s.bool("verifyHostname", true)).isTrue();
        assertThat(s.integer("maxConnections", 16, 1, 1000)).isEqualTo(16);
        assertThat(s.enumValue("mode", Mode.class, Mode.AUTO)).isEqualTo(Mode.AUTO);
        assertThat(s.string("keyPrefix", "ls:")).isEqualTo("ls:");
        assertThat(s.value("keyPrefix")).isEmpty();
        assertThat(s.has("keyPrefix")).isFalse();
        assertThat(Settings.fromQuery("", KNOWN).keys()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "true,true",
        "TRUE,true",
        "yes,true",
        "on,true",
        "1,true",
        "'',true",
        "false,false",
        "No,false",
        "off,false",
        "0,false"
    })
    void booleans(String text, boolean expected) {
        assertThat(Settings.of(Map.of("verifyHostname", text), KNOWN).bool("verifyHostname", !expected))
                .isEqualTo(expected);
    }

    @Test
    void aKeyWithoutValueIsTrue() {
        assertThat(Settings.fromQuery("verifyHostname", KNOWN).bool("verifyHostname", false))
                .isTrue();
    }

    @Test
    void badBooleanNamesTheForms() {
        assertThatThrownBy(() ->
                        Settings.of(Map.of("verifyHostname", "maybe"), KNOWN).bool("verifyHostname", false))
                .hasMessage("verifyHostname must be true or false (also yes/no, on/off, 1/0), was 'maybe'");
    }

    @Test
    void integersInRange() {
        assertThat(Settings.fromQuery("maxConnections=%2032", KNOWN).integer("maxConnections", 16, 1, 1000))
                .isEqualTo(32);
        for (String bad : List.of("0", "1001", "x", "1.5", "99999999999999999999", "")) {
            assertThatThrownBy(() ->
                            Settings.of(Map.of("maxConnections", bad), KNOWN).integer("maxConnections", 16, 1, 1000))
                    .hasMessage("maxConnections must be a whole number from 1 to 1000, was '" + bad + "'");
        }
    }

    @Test
    void enumsIgnoreCaseAndListTheValues() {
        assertThat(Settings.fromQuery("mode=On", KNOWN).enumValue("mode", Mode.class, Mode.AUTO))
                .isEqualTo(Mode.ON);
        assertThatThrownBy(() -> Settings.fromQuery("mode=sometimes", KNOWN).enumValue("mode", Mode.class, null))
                .hasMessage("mode must be one of auto, on, off, was 'sometimes'");
    }

    @Test
    void unknownKeysNameTheKnownOnes() {
        assertThatThrownBy(() -> Settings.fromQuery("socketTimeout=2s&colour=red", KNOWN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown setting 'colour'; known: socketTimeout, busyTimeout, maxConnections,"
                        + " verifyHostname, mode, keyPrefix");
        assertThatThrownBy(() -> Settings.of(Map.of("sockettimeout", "2s"), KNOWN))
                .hasMessageStartingWith("unknown setting 'sockettimeout' (did you mean socketTimeout?); known: ");
    }

    @Test
    void aKeyGivenTwiceIsAnError() {
        assertThatThrownBy(() -> Settings.fromQuery("socketTimeout=2s&socketTimeout=3s", KNOWN))
                .hasMessage("setting 'socketTimeout' is given twice");
    }

    @Test
    void readingAnUndeclaredKeyIsAnError() {
        Settings s = Settings.fromQuery("", KNOWN);
        assertThatThrownBy(() -> s.string("colour", null)).hasMessageContaining("not declared");
    }

    @Test
    void valuesArePercentDecodedAsUtf8AndPlusStaysPlus() {
        Settings s = Settings.fromQuery("keyPrefix=a%2Fb%26c+d%C3%A9%3D&mode=off", KNOWN);
        assertThat(s.string("keyPrefix", null)).isEqualTo("a/b&c+dé=");
        assertThat(s.keys()).containsExactly("keyPrefix", "mode");
        assertThat(Settings.fromQuery("key%50refix=x", KNOWN).string("keyPrefix", null))
                .isEqualTo("x");
        assertThat(Settings.fromQuery("keyPrefix=a=b", KNOWN).string("keyPrefix", null))
                .isEqualTo("a=b");
        assertThat(Settings.fromQuery("&&keyPrefix=&", KNOWN).string("keyPrefix", null))
                .isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"%", "%2", "a%zz", "%G0", "%C3", "%FF%FE", "%ED%A0%80"})
    void malformedEscapesAreErrorsThatDoNotShowTheValue(String raw) {
        assertThatThrownBy(() -> Settings.fromQuery("keyPrefix=" + raw + "secret", KNOWN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("keyPrefix ")
                .hasMessageNotContaining("secret");
    }

    @Test
    void mapsAreCopiedAndNotDecoded() {
        Map<String, String> map = new java.util.HashMap<>(Map.of("keyPrefix", "a%20b"));
        Settings s = Settings.of(map, KNOWN);
        map.put("keyPrefix", "changed");
        assertThat(s.string("keyPrefix", null)).isEqualTo("a%20b");
        assertThatThrownBy(() -> s.keys().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void toStringShowsNoValues() {
        assertThat(Settings.fromQuery("keyPrefix=secret", KNOWN).toString()).doesNotContain("secret");
    }
}
