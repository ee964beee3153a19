package dev.locksmith.nats;

import dev.locksmith.BackendException;
import dev.locksmith.spi.Backend;
import dev.locksmith.spi.BackendContext;
import dev.locksmith.spi.BackendProvider;
import dev.locksmith.spi.support.Redaction;
import dev.locksmith.spi.support.Settings;
import io.nats.client.AuthenticationException;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.net.URI;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Opens {@code nats://} and {@code tls://} URIs:
 *
 * <pre>
 * nats://[user:password@ | token@]host[:port][,host[:port]...][/][?bucket=locksmith&amp;replicas=1&amp;requestTimeout=5s]
 * </pre>
 *
 * Several servers are separated by commas; {@code tls://} (or {@code nats://...?tls=true}) connects
 * with TLS, trusting the JVM's trust store. The connection it opens never buffers a publish while
 * reconnecting (a lock request is either sent now or fails now) and is closed with the backend.
 */
public final class NatsBackendProvider implements BackendProvider {
    private static final System.Logger LOG = System.getLogger(NatsBackendProvider.class.getName());
    static final List<String> SETTINGS = List.of("bucket", "replicas", "requestTimeout", "reconnectWait", "tls");
    /** Default pause between reconnect attempts of the connection the provider opens. */
    static final Duration DEFAULT_RECONNECT_WAIT = Duration.ofMillis(250);

    /** For the {@link java.util.ServiceLoader}. */
    public NatsBackendProvider() {}

    @Override
    public Set<String> schemes() {
        return Set.of("nats", "tls");
    }

    /** What a URI says: servers, credentials, TLS and options. */
    record Parsed(
            List<String> servers,
            String user,
            String password,
            String token,
            boolean tls,
            Duration reconnectWait,
            NatsOptions options) {}

    static Parsed parse(URI uri) {
        String shown = Redaction.maskUri(uri.toString());
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("nats") && !scheme.equals("tls")) {
            throw new IllegalArgumentException("a NATS uri starts with nats:// or tls://, was " + shown);
        }
        String authority = uri.getRawAuthority();
        if (authority == null || authority.isEmpty()) {
            throw new IllegalArgumentException(
                    "uri must look like nats://host:4222 (several servers: nats://host1:4222,host2:4222), was "
                            + shown);
        }
        String path = uri.getRawPath();
        if (path != null && !path.isEmpty() && !path.equals("/")) {
            throw new IllegalArgumentException(
                    "a NATS uri has no path (use ?bucket=name for the bucket), was " + shown);
        }
        String user = null;
        String password = null;
        String token = null;
        int at = authority.lastIndexOf('@');
        String hosts = authority;
        if (at >= 0) {
            String info = authority.substring(0, at);
            hosts = authority.substring(at + 1);
            int colon = info.indexOf(':');
            if (colon < 0) {
                token = Settings.percentDecode(info, "token");
            } else {
                user = Settings.percentDecode(info.substring(0, colon), "user");
                password = Settings.percentDecode(info.substring(colon + 1), "password");
            }
        }
        Settings settings = Settings.fromQuery(uri.getRawQuery(), SETTINGS);
        boolean tls = scheme.equals("tls") || settings.bool("tls", false);
        List<String> servers = new ArrayList<>();
        for (String hp : hosts.split(",", -1)) {
            if (hp.isEmpty()) {
                throw new IllegalArgumentException("empty server in " + shown + "; separate servers with one comma");
            }
            String host = hp;
            int port = 4222;
            int colon = hp.lastIndexOf(':');
            if (colon >= 0 && !hp.endsWith("]")) {
                host = hp.substring(0, colon);
                String p = hp.substring(colon + 1);
                try {
                    port = Integer.parseInt(p);
                } catch (NumberFormatException e) {
                    port = -1;
                }
                if (port < 1 || port > 65535) {
                    throw new IllegalArgumentException(
                            "port must be a number from 1 to 65535, was '" + p + "' in " + shown);
                }
            }
            if (host.isEmpty()) {
                throw new IllegalArgumentException("missing host before :" + port + " in " + shown);
            }
            servers.add((tls ? "tls://" : "nats://") + host + ":" + port);
        }
        NatsOptions.Builder b = NatsOptions.builder();
        settings.value("bucket").ifPresent(b::bucket);
        b.replicas(settings.integer("replicas", NatsOptions.DEFAULT_REPLICAS, 1, 5));
        b.requestTimeout(settings.positiveDuration("requestTimeout", NatsOptions.DEFAULT_REQUEST_TIMEOUT));
        Duration reconnectWait = settings.positiveDuration("reconnectWait", DEFAULT_RECONNECT_WAIT);
        return new Parsed(List.copyOf(servers), user, password, token, tls, reconnectWait, b.build());
    }

    @Override
    public Backend open(URI uri, BackendContext context) {
        Parsed p = parse(uri);
        String shown = Redaction.maskUri(uri.toString());
        Options.Builder ob = Options.builder()
                .servers(p.servers().toArray(String[]::new))
                .connectionName("locksmith")
                .connectionTimeout(context.connectTimeout())
                // never send a lock request late: a publish while reconnecting fails at once
                .reconnectBufferSize(0)
                .maxReconnects(-1)
                .reconnectWait(p.reconnectWait())
                .reconnectJitter(p.reconnectWait().dividedBy(4))
                .errorListener(new QuietErrors())
                .connectionListener(new LoggingListener());
        if (p.user() != null) {
            ob.userInfo(p.user(), p.password());
        }
        if (p.token() != null) {
            ob.token(p.token().toCharArray());
        }
        if (p.tls()) {
            try {
                ob.secure();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalArgumentException("TLS is not available in this JVM: " + e.getMessage(), e);
            }
        }
        Connection connection;
        try {
            connection = Nats.connect(ob.build());
        } catch (AuthenticationException e) {
            throw new BackendException(
                    null,
                    "NATS refused the credentials of " + shown + ": check user:password@ or token@ in the uri ("
                            + Redaction.mask(e.getMessage()) + ")",
                    e,
                    false);
        } catch (IOException e) {
            String msg = Redaction.mask(String.valueOf(e.getMessage()));
            boolean auth = msg.toLowerCase(java.util.Locale.ROOT).contains("authorization");
            throw new BackendException(
                    null,
                    auth
                            ? "NATS refused the credentials of " + shown
                                    + ": check user:password@ or token@ in the uri (" + msg + ")"
                            : "cannot connect to NATS at " + shown + " within "
                                    + context.connectTimeout().toMillis() + " ms: is nats-server running there? (" + msg
                                    + ")",
                    e,
                    !auth);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException(null, "interrupted while connecting to NATS at " + shown, e, false);
        }
        try {
            return NatsBackend.open(connection, p.options(), context.timeSource(), true, shown);
        } catch (RuntimeException e) {
            try {
                connection.close();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            throw e;
        }
    }

    /** Connection trouble is the engine's business: one DEBUG line per event, no stack traces. */
    static final class QuietErrors implements ErrorListener {
        @Override
        public void errorOccurred(Connection conn, String error) {
            LOG.log(System.Logger.Level.DEBUG, "NATS error: " + Redaction.mask(error));
        }

        @Override
        public void exceptionOccurred(Connection conn, Exception exp) {
            LOG.log(System.Logger.Level.DEBUG, "NATS connection exception: " + Redaction.mask(String.valueOf(exp)));
        }
    }

    static final class LoggingListener implements ConnectionListener {
        @Override
        @SuppressWarnings("deprecation") // the one abstract method of the interface
        public void connectionEvent(Connection conn, Events type) {
            LOG.log(System.Logger.Level.DEBUG, "NATS connection: " + type);
        }
    }
}
