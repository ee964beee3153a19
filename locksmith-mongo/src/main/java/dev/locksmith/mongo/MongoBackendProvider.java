package dev.locksmith.mongo;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.locksmith.BackendException;
import dev.locksmith.spi.Backend;
import dev.locksmith.spi.BackendContext;
import dev.locksmith.spi.BackendProvider;
import dev.locksmith.spi.support.Redaction;
import dev.locksmith.spi.support.Settings;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Opens a {@link MongoBackend} for {@code mongodb://} and {@code mongodb+srv://} URIs, such as
 * {@code mongodb://app:secret@db1,db2,db3/app?replicaSet=rs0}. The URI goes to the driver with its
 * usual options after removing the {@link MongoOptions} settings, given as {@code locksmith.<name>}
 * parameters:
 *
 * <ul>
 *   <li>{@code locksmith.database}: default the URI's database, else {@code locksmith}
 *   <li>{@code locksmith.collectionPrefix}: default {@code locksmith_}
 *   <li>{@code locksmith.createSchema}: {@code true} or {@code false}, default true
 *   <li>{@code locksmith.changeStreams}: {@code true} or {@code false}, default true
 *   <li>{@code locksmith.callTimeout}: a duration such as {@code 500ms} or {@code 2s}, default 5s
 *   <li>{@code locksmith.gcAfter}: a duration such as {@code 30d}, default unset (never)
 * </ul>
 *
 * <p>The write concern is the URI's ({@code w}, {@code journal}, {@code wtimeoutMS}) when it sets
 * one, else {@code w: "majority", j: true}. Unless the URI sets them, the connect and server
 * selection timeouts are the client's connect timeout. No message shows a password.
 */
public final class MongoBackendProvider implements BackendProvider {

    private static final String OPTION = "locksmith.";
    private static final List<String> KNOWN = List.of(
            "locksmith.database",
            "locksmith.collectionPrefix",
            "locksmith.createSchema",
            "locksmith.changeStreams",
            "locksmith.callTimeout",
            "locksmith.gcAfter");

    /** Used by {@link java.util.ServiceLoader}. */
    public MongoBackendProvider() {}

    @Override
    public Set<String> schemes() {
        return Set.of("mongodb", "mongodb+srv");
    }

    @Override
    public Backend open(URI uri, BackendContext context) {
        String raw = uri.toString();
        String lower = raw.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("mongodb://") && !lower.startsWith("mongodb+srv://")) {
            throw new IllegalArgumentException(
                    "uri must be a MongoDB URI such as mongodb://host:27017/db, was " + Redaction.maskUri(raw));
        }
        Map<String, String> given = new LinkedHashMap<>();
        ConnectionString cs = connectionString(stripOptions(raw, given));
        MongoOptions options = options(Settings.of(given, KNOWN), cs);
        Duration connect = context.connectTimeout();
        MongoClientSettings settings = MongoClientSettings.builder()
                .applyConnectionString(cs)
                .applyToSocketSettings(b -> {
                    if (cs.getConnectTimeout() == null) {
                        b.connectTimeout(
                                Math.toIntExact(Math.min(connect.toMillis(), Integer.MAX_VALUE)),
                                TimeUnit.MILLISECONDS);
                    }
                })
                .applyToClusterSettings(b -> {
                    if (cs.getServerSelectionTimeout() == null) {
                        b.serverSelectionTimeout(connect.toMillis(), TimeUnit.MILLISECONDS);
                    }
                })
                .build();
        MongoClient client;
        try {
            client = MongoClients.create(settings);
        } catch (RuntimeException e) {
            throw new BackendException(
                    Redaction.mask("cannot open " + Redaction.maskUri(raw) + ": " + e.getMessage()), e);
        }
        MongoBackend backend = new MongoBackend(client, true, options, context.timeSource());
        try {
            backend.start(connect);
            return backend;
        } catch (BackendException e) {
            backend.close();
            throw new BackendException(
                    null,
                    Redaction.mask("cannot open " + Redaction.maskUri(raw) + ": " + e.getMessage()),
                    e.getCause(),
                    e.isTransient());
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
    }

    private static ConnectionString connectionString(String uri) {
        try {
            return new ConnectionString(uri);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    Redaction.mask(
                            "uri is not a valid MongoDB URI: " + Redaction.maskUri(uri) + " (" + e.getMessage() + ")"),
                    e);
        }
    }

    /** The settings given as {@code locksmith.*} parameters, with the URI's database and write concern. */
    static MongoOptions options(Settings s, ConnectionString cs) {
        String database = cs.getDatabase() == null || cs.getDatabase().isEmpty()
                ? MongoOptions.DEFAULT_DATABASE
                : cs.getDatabase();
        WriteConcern writeConcern =
                cs.getWriteConcern() != null ? cs.getWriteConcern() : MongoOptions.DEFAULT_WRITE_CONCERN;
        Duration gcAfter = s.has("locksmith.gcAfter") ? s.positiveDuration("locksmith.gcAfter", null) : null;
        return MongoOptions.builder()
                .database(s.string("locksmith.database", database))
                .collectionPrefix(s.string("locksmith.collectionPrefix", MongoOptions.DEFAULT_COLLECTION_PREFIX))
                .createSchema(s.bool("locksmith.createSchema", true))
                .changeStreams(s.bool("locksmith.changeStreams", true))
                .writeConcern(writeConcern)
                .callTimeout(s.positiveDuration("locksmith.callTimeout", MongoOptions.DEFAULT_CALL_TIMEOUT))
                .gcAfter(gcAfter)
                .build();
    }

    /** Removes the {@code locksmith.*} parameters from the query of {@code raw}, percent-decoded into {@code options}. */
    static String stripOptions(String raw, Map<String, String> options) {
        int q = raw.indexOf('?');
        if (q < 0) {
            return raw;
        }
        StringBuilder kept = new StringBuilder();
        for (String part : raw.substring(q + 1).split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            if (part.startsWith(OPTION)) {
                int eq = part.indexOf('=');
                String key = Settings.percentDecode(eq < 0 ? part : part.substring(0, eq), "setting name");
                String value = eq < 0 ? "" : Settings.percentDecode(part.substring(eq + 1), key);
                if (options.put(key, value) != null) {
                    throw new IllegalArgumentException("setting '" + key + "' is given twice");
                }
            } else {
                kept.append(kept.length() == 0 ? "?" : "&").append(part);
            }
        }
        return raw.substring(0, q) + kept;
    }
}
