package dev.locksmith.mongo;

import com.mongodb.ConnectionString;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * The MongoDB the tests use: the deployment named by the system property {@code
 * locksmith.mongo.uri} or the environment variable {@code LOCKSMITH_MONGO_URI} when set (a real
 * replica set, say), else an in-JVM {@code mongo-java-server} with its oplog on (so that it has
 * change streams), started once per test JVM.
 */
final class TestMongo {
    static final String DATABASE = "locksmith_test";

    private static MongoServer server;
    private static String uri;
    private static MongoClient admin;

    private TestMongo() {}

    /** The URI given from outside, or {@code null}. */
    static String externalUri() {
        String u = System.getProperty("locksmith.mongo.uri");
        return u != null && !u.isBlank() ? u : System.getenv("LOCKSMITH_MONGO_URI");
    }

    /** Whether the tests run on the in-JVM server. */
    static boolean inJvm() {
        String u = externalUri();
        return u == null || u.isBlank();
    }

    /** The deployment's URI (no {@code locksmith.*} settings; add them with {@link #uri(String)}). */
    static synchronized String uri() {
        if (uri == null) {
            if (inJvm()) {
                MemoryBackend backend = new MemoryBackend();
                backend.enableOplog();
                server = new MongoServer(backend);
                server.bind("127.0.0.1", 0);
                Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow));
                uri = "mongodb://127.0.0.1:" + server.getLocalAddress().getPort() + "/" + DATABASE;
            } else {
                uri = externalUri();
            }
        }
        return uri;
    }

    /** {@link #uri()} with extra query parameters ({@code a=b&c=d}). */
    static String uri(String parameters) {
        String u = uri();
        return u + (u.contains("?") ? "&" : u.substring(u.indexOf("://") + 3).contains("/") ? "?" : "/?") + parameters;
    }

    /**
     * The address to put a TCP proxy in front of: the in-JVM server, or a single loopback host of
     * the external URI; {@code null} otherwise (the proxy cannot stand in for a replica set's
     * members).
     */
    static InetSocketAddress proxyTarget() {
        ConnectionString cs = new ConnectionString(uri());
        if (cs.getHosts().size() != 1 || cs.isSrvProtocol()) {
            return null;
        }
        String host = cs.getHosts().get(0);
        int colon = host.lastIndexOf(':');
        String name = colon < 0 ? host : host.substring(0, colon);
        int port = colon < 0 ? 27017 : Integer.parseInt(host.substring(colon + 1));
        try {
            InetAddress address = InetAddress.getByName(name);
            return address.isLoopbackAddress() ? new InetSocketAddress(address, port) : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** {@link #uri(String)} with the host replaced by {@code 127.0.0.1:port}, one server only. */
    static String uriVia(int port, String parameters) {
        String u = uri(parameters + "&directConnection=true");
        ConnectionString cs = new ConnectionString(uri());
        String hosts = String.join(",", cs.getHosts());
        return u.replaceFirst(Pattern.quote(hosts), "127.0.0.1:" + port);
    }

    /** A client for test set-up and clean-up, never closed. */
    static synchronized MongoClient admin() {
        if (admin == null) {
            admin = MongoClients.create(uri());
        }
        return admin;
    }

    /** Deletes every key document of a namespace in the default collection (counters included). */
    static void deleteNamespace(String namespace) {
        admin().getDatabase(database())
                .getCollection(MongoOptions.DEFAULT_COLLECTION_PREFIX + "locks")
                .deleteMany(Filters.regex("_id", KeyDocument.prefixRegex(namespace + "/")));
    }

    /** The database of {@link #uri()}. */
    static String database() {
        String d = new ConnectionString(uri()).getDatabase();
        return d == null || d.isEmpty() ? MongoOptions.DEFAULT_DATABASE : d;
    }
}
