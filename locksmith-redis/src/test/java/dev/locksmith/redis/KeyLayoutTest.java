package dev.locksmith.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KeyLayoutTest {
    private final KeyLayout layout = new KeyLayout("ls:");

    @Test
    void encodingRoundTripsAndNeverContainsAClosingBrace() {
        for (String k : new String[] {"ns/plain", "ns/{a}", "ns/}", "ns/%7D", "ns/%", "ns/a}b{c}%25"}) {
            String enc = KeyLayout.encode(k);
            assertThat(enc).doesNotContain("}");
            assertThat(KeyLayout.decode(enc)).isEqualTo(k);
        }
    }

    @Test
    void theHashTagIsTheWholeEncodedKey() {
        String lock = new String(layout.lock("ns/a}b"), StandardCharsets.UTF_8);
        assertThat(lock).isEqualTo("ls:{ns/a%7Db}:lock");
        assertThat(layout.keyOf(lock, "lock")).isEqualTo("ns/a}b");
        assertThat(layout.keyOf(lock, "permits")).isNull();
        assertThat(layout.keyOf("other:{x}:lock", "lock")).isNull();
    }

    @Test
    void scanPatternEscapesGlobCharacters() {
        assertThat(layout.scanPattern("ns/a*[b]?\\")).isEqualTo("ls:{ns/a\\*\\[b\\]\\?\\\\*");
    }
}
