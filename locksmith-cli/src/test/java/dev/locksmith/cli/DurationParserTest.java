package dev.locksmith.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationParserTest {

    @ParameterizedTest
    @CsvSource({
        "500ms, PT0.5S",
        "30s, PT30S",
        "1m30s, PT1M30S",
        "2h, PT2H",
        "1d, PT24H",
        "1h2m3s4ms, PT1H2M3.004S",
        "1.5s, PT1.5S",
        "0s, PT0S",
        "0ms, PT0S",
        "PT30S, PT30S",
        "pt1m, PT1M",
        "P1DT2H, PT26H",
        "' 45s ', PT45S",
        // the grammar of every Locksmith setting (Settings) adds these
        "250us, PT0.00025S",
        "2S, PT2S",
        "0, PT0S"
    })
    void parsesShortAndIsoForms(String text, String iso) {
        assertThat(DurationParser.parse(text, "--ttl")).isEqualTo(Duration.parse(iso));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "30", "3x", "s", "1m1h", "1s1s", "-5s", "PT-5S", "P", "PTxS", "1..5s", "5 s", "1e3s"})
    void rejectsWithTheOptionNamedAndExamples(String text) {
        assertThatThrownBy(() -> DurationParser.parse(text, "--wait"))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("--wait")
                .hasMessageContaining("30s")
                .satisfies(e -> assertThat(((UsageException) e).status()).isEqualTo(64));
    }

    @ParameterizedTest
    @ValueSource(strings = {"99999999999999999999d", "106752d"})
    void rejectsDurationsTooLongForNanoseconds(String text) {
        assertThatThrownBy(() -> DurationParser.parse(text, "--ttl"))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("too long");
    }

    @ParameterizedTest
    @CsvSource({"PT0.85S, 850ms", "PT27.34S, 27.3s", "PT4M5S, 4m05s", "PT2H, 2h00m", "PT0S, 0ms"})
    void formatsForPeople(String iso, String shown) {
        assertThat(DurationParser.format(Duration.parse(iso))).isEqualTo(shown);
    }
}
