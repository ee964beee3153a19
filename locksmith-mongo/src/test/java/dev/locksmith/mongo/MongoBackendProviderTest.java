package dev.locksmith.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.ConnectionString;
import com.mongodb.WriteConcern;
import dev.locksmith.BackendException;
import dev.locksmith.Locksmith;
import dev.locksmith.spi.support.Settings;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** URI parsing and settings, without a server. */
class MongoBackendProviderTest {

    private static final List<String> KNOWN = List.of(
            "locksmith.database",
            "locksmith.collectionPrefix",
            "locksmith.createSchema",
            "locksmith.changeStreams",
            "locksmith.callTimeout",
            "locksmith.gcAfter");

    private static MongoOptions options(String uri) {
        Map<String, String> given = new LinkedHashMap<>();
        String rest = MongoBackendProvider.stripOptions(uri, given);
        return MongoBackendProvider.options(Settings.of(given, KNOWN), new ConnectionString(rest));
    }

    @Test
    void defaults() {
        MongoOptions o = options("mongodb://127.0.0.1:27017");
        assertThat(o.database()).isEqualTo("locksmith");
        assertThat(o.collectionName()).isEqualTo("locksmith_locks");
        assertThat(o.writeConcern()).isEqualTo(WriteConcern.MAJORITY.withJournal(true));
        assertThat(o.callTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(o.createSchema()).isTrue();
        assertThat(o.changeStreams()).isTrue();
        assertThat(o.gcAfter()).isNull();
    }

    @Test
    void settingsComeOutOfTheQueryAndTheRestGoesToTheDriver() {
        Map<String, String> given = new LinkedHashMap<>();
        String rest = MongoBackendProvider.stripOptions(
                "mongodb://a:1,b:2/app?replicaSet=rs0&locksmith.collectionPrefix=x_&w=1&locksmith.callTimeout=1500ms"
                        + "&locksmith.changeStreams=off&locksmith.gcAfter=30d&locksmith.createSchema=false",
                given);
        assertThat(rest).isEqualTo("mongodb://a:1,b:2/app?replicaSet=rs0&w=1");
        MongoOptions o = MongoBackendProvider.options(Settings.of(given, KNOWN), new ConnectionString(rest));
        assertThat(o.database()).isEqualTo("app");
        assertThat(o.collectionName()).isEqualTo("x_locks");
        assertThat(o.writeConcern()).isEqualTo(WriteConcern.W1);
        assertThat(o.callTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(o.changeStreams()).isFalse();
        assertThat(o.createSchema()).isFalse();
        assertThat(o.gcAfter()).isEqualTo(Duration.ofDays(30));
    }

    @Test
    void theDatabaseSettingWinsOverTheUrisAndJournalComesFromTheUri() {
        MongoOptions o = options("mongodb://h/app?locksmith.database=locks&w=majority&journal=false");
        assertThat(o.database()).isEqualTo("locks");
        assertThat(o.writeConcern()).isEqualTo(WriteConcern.MAJORITY.withJournal(false));
    }

    @Test
    void anUnknownSettingNamesTheKnownOnes() {
        assertThatThrownBy(() -> options("mongodb://h/?locksmith.colectionPrefix=x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("colectionPrefix")
                .hasMessageContaining("locksmith.collectionPrefix");
    }

    @Test
    void badValuesNameTheSettingAndTheAllowedForms() {
        assertThatThrownBy(() -> options("mongodb://h/?locksmith.callTimeout=abc"))
                .hasMessageContaining("locksmith.callTimeout")
                .hasMessageContaining("500ms");
        assertThatThrownBy(() -> options("mongodb://h/?locksmith.collectionPrefix=a%20b"))
                .hasMessageContaining("collectionPrefix must match");
        assertThatThrownBy(() -> options("mongodb://h/?locksmith.gcAfter=10s"))
                .hasMessageContaining("gcAfter must be between 1m");
        assertThatThrownBy(() -> options("mongodb://h/?locksmith.callTimeout=1s&locksmith.callTimeout=2s"))
                .hasMessageContaining("given twice");
        assertThatThrownBy(() -> options("mongodb://h/?w=0")).hasMessageContaining("writeConcern must be acknowledged");
    }

    @Test
    void aBadUriIsAnArgumentErrorWithoutThePassword() {
        assertThatThrownBy(() -> Locksmith.connect("mongodb://user:s3cret@/nohost"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void anUnreachableServerIsATransientFailureWithoutThePassword() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String uri = "mongodb://user:s3cret@127.0.0.1:" + port + "/app";
        assertThatThrownBy(() -> Locksmith.builder()
                        .uri(uri)
                        .connectTimeout(Duration.ofMillis(300))
                        .build())
                .isInstanceOfSatisfying(
                        BackendException.class, e -> assertThat(e.isTransient()).isTrue())
                .hasMessageContaining("cannot open mongodb://user:***@127.0.0.1:" + port)
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void bothSchemesAreKnown() {
        assertThat(Locksmith.knownSchemes()).contains("mongodb", "mongodb+srv");
    }

    @Test
    void ownerFieldNamesEscapeDotsDollarsAndPercents() {
        assertThat(KeyDocument.field("host:1:abc")).isEqualTo("host:1:abc");
        assertThat(KeyDocument.field("$a.b%c")).isEqualTo("%24a%2Eb%25c");
        assertThat(KeyDocument.field("a%2Eb")).isNotEqualTo(KeyDocument.field("a.b"));
    }
}
