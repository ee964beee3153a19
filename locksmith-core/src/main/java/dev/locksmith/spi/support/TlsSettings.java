package dev.locksmith.spi.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS material a store URI names in its settings ({@link #KEYS}), read once when the URI is
 * parsed, for any store whose client takes an {@link SSLSocketFactory} and {@link SSLParameters}
 * ({@code rediss://}, {@code tls://}, ...). A store declares {@link #KEYS} among its known keys,
 * calls {@link #read} for a TLS scheme and {@link #refuse} for a plain one, and hands {@link
 * #socketFactory()} and {@link #parameters()} to every connection it opens.
 *
 * <p>The settings:
 *
 * <ul>
 *   <li>{@code trustStore}: a file of the certificates to trust instead of the JVM's (for a server
 *       certificate signed by a private CA); {@code trustStoreType} {@code PKCS12}, {@code JKS} or
 *       {@code PEM} (X.509 certificates), by default {@code JKS} for {@code .jks}, {@code PEM} for
 *       {@code .pem}, {@code .crt} and {@code .cer}, otherwise {@code PKCS12}; {@code
 *       trustStorePassword} (none for PEM).
 *   <li>{@code keyStore}, {@code keyStoreType} ({@code PKCS12} or {@code JKS}, by the same rule),
 *       {@code keyStorePassword}: the client's certificate and private key; the password opens both
 *       the store and the key.
 *   <li>{@code verifyHostname}: {@code true} (the default) checks that the server's certificate names
 *       the host connected to. {@code false} is refused unless {@code trustStore} names a private CA,
 *       since with the JVM's public CAs any certificate they signed for any host would pass.
 * </ul>
 *
 * <p>Without stores the JVM's defaults are used ({@link #socketFactory()} is null). Every error is an
 * {@link IllegalArgumentException} naming the setting at fault. Instances are immutable and
 * thread-safe.
 */
public final class TlsSettings {
    /** The setting names this class reads. */
    public static final List<String> KEYS = List.of(
            "trustStore",
            "trustStoreType",
            "trustStorePassword",
            "keyStore",
            "keyStoreType",
            "keyStorePassword",
            "verifyHostname");

    /** No TLS. */
    public static final TlsSettings NONE = new TlsSettings(false, true, false, null, null);

    private final boolean enabled;
    private final boolean verifyHostname;
    private final boolean hasKeyStore;
    private final SSLSocketFactory socketFactory;
    private final SSLParameters parameters;

    private TlsSettings(boolean enabled, boolean verify, boolean hasKeyStore, SSLSocketFactory f, SSLParameters p) {
        this.enabled = enabled;
        this.verifyHostname = verify;
        this.hasKeyStore = hasKeyStore;
        this.socketFactory = f;
        this.parameters = p;
    }

    /** Whether TLS is on ({@link #NONE} is the only instance where it is off). */
    public boolean enabled() {
        return enabled;
    }

    /** Whether the server's certificate must name the host connected to. */
    public boolean verifyHostname() {
        return verifyHostname;
    }

    /** Whether a client certificate is configured (for a server that asks for one). */
    public boolean hasKeyStore() {
        return hasKeyStore;
    }

    /** The socket factory made of the configured stores; null for the JVM's default. */
    public SSLSocketFactory socketFactory() {
        return socketFactory;
    }

    /**
     * The parameters that turn host name verification on (Java checks the host name only when asked);
     * null for {@link #NONE}.
     */
    public SSLParameters parameters() {
        return parameters;
    }

    /**
     * Reads the TLS settings and the stores they name.
     *
     * @param settings settings whose known keys include {@link #KEYS}
     * @throws IllegalArgumentException naming the setting, for a missing or unreadable file, a wrong
     *     password, a type that does not fit, a store with nothing usable, a type or password without
     *     its store, or {@code verifyHostname=false} without a {@code trustStore}
     */
    public static TlsSettings read(Settings settings) {
        boolean verify = settings.bool("verifyHostname", true);
        String trustStore = settings.string("trustStore", null);
        String keyStore = settings.string("keyStore", null);
        for (String store : List.of("trustStore", "keyStore")) {
            for (String part : List.of("Type", "Password")) {
                if (settings.has(store + part) && !settings.has(store)) {
                    throw new IllegalArgumentException(store + part + " is given without " + store);
                }
            }
        }
        if (!verify && trustStore == null) {
            throw new IllegalArgumentException("verifyHostname=false needs a trustStore with a private CA: with the"
                    + " JVM's public CAs any certificate they signed for any host would be accepted");
        }
        SSLParameters params = new SSLParameters();
        params.setEndpointIdentificationAlgorithm(verify ? "HTTPS" : null);
        if (trustStore == null && keyStore == null) {
            return new TlsSettings(true, verify, false, null, params);
        }
        String trustPassword = settings.string("trustStorePassword", null);
        String keyPassword = settings.string("keyStorePassword", null);
        TrustManager[] trust = null;
        KeyManager[] keys = null;
        String current = "trustStore '" + trustStore;
        try {
            if (trustStore != null) {
                KeyStore ks = load("trustStore", trustStore, settings.string("trustStoreType", null), trustPassword);
                if (!holds(ks, false)) {
                    throw new IllegalArgumentException("trustStore '" + trustStore + "' holds no certificate Java"
                            + " can trust" + (trustPassword == null ? " (is trustStorePassword missing?)" : "")
                            + "; a PKCS12 file made by openssl without -jdktrust has none: make it with keytool"
                            + " -importcert, or give the CA's PEM file with trustStoreType=PEM");
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ks);
                trust = tmf.getTrustManagers();
            }
            if (keyStore != null) {
                current = "keyStore '" + keyStore;
                KeyStore ks = load("keyStore", keyStore, settings.string("keyStoreType", null), keyPassword);
                if (!holds(ks, true)) {
                    throw new IllegalArgumentException("keyStore '" + keyStore + "' holds no private key"
                            + (keyPassword == null ? " (is keyStorePassword missing?)" : ""));
                }
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                try {
                    kmf.init(ks, keyPassword == null ? new char[0] : keyPassword.toCharArray());
                } catch (UnrecoverableKeyException e) {
                    throw new IllegalArgumentException(
                            "keyStorePassword does not open the private key in keyStore '" + keyStore + "': "
                                    + e.getMessage(),
                            e);
                }
                keys = kmf.getKeyManagers();
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(current + "' cannot be used: " + e, e);
        }
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(keys, trust, null);
            return new TlsSettings(true, verify, keyStore != null, ctx.getSocketFactory(), params);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot make a TLS context: " + e, e);
        }
    }

    /**
     * Refuses TLS settings on a connection without TLS.
     *
     * @param needs what the settings need, as in {@code "a rediss:// uri; redis:// does not use TLS"}
     * @throws IllegalArgumentException {@code "<key> is a TLS setting and needs <needs>"} for the
     *     first TLS setting given
     */
    public static void refuse(Settings settings, String needs) {
        for (String k : settings.keys()) {
            if (KEYS.contains(k)) {
                throw new IllegalArgumentException(k + " is a TLS setting and needs " + needs);
            }
        }
    }

    /** Loads a store file; {@code name} is its setting, and names its type and password settings too. */
    private static KeyStore load(String name, String file, String type, String password) {
        boolean trust = name.equals("trustStore");
        if (file.isBlank()) {
            throw new IllegalArgumentException(name + " must name a file, was empty");
        }
        Path path;
        try {
            path = Path.of(file);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(name + " is not a valid path: '" + file + "'", e);
        }
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException(name + " file not found: '" + file + "'");
        }
        if (!Files.isReadable(path)) {
            throw new IllegalArgumentException(name + " file is not readable: '" + file + "'");
        }
        String t = type != null ? type.trim().toUpperCase(Locale.ROOT) : typeOf(file);
        if (t.equals("PEM")) {
            if (!trust) {
                throw new IllegalArgumentException(name + "Type PEM is not supported for " + name + " ('" + file
                        + "'); use PKCS12 or JKS (openssl pkcs12 -export makes one from a PEM key and certificate)");
            }
            if (password != null) {
                throw new IllegalArgumentException(name + "Password is given but a PEM " + name + " has none");
            }
            return pemStore(name, file, path);
        }
        KeyStore ks;
        try {
            ks = KeyStore.getInstance(t);
        } catch (KeyStoreException e) {
            throw new IllegalArgumentException(
                    name + "Type '" + (type != null ? type : t) + "' is not supported; use "
                            + (trust ? "PKCS12, JKS or PEM" : "PKCS12 or JKS"),
                    e);
        }
        try (InputStream in = Files.newInputStream(path)) {
            ks.load(in, password == null ? null : password.toCharArray());
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new IllegalArgumentException(name + "Password is wrong for " + name + " '" + file + "'", e);
            }
            throw new IllegalArgumentException(
                    name + " '" + file + "' cannot be read as " + t + " (set " + name + "Type?): " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(name + " '" + file + "' cannot be read as " + t + ": " + e, e);
        }
        return ks;
    }

    private static String typeOf(String file) {
        String f = file.toLowerCase(Locale.ROOT);
        if (f.endsWith(".jks")) {
            return "JKS";
        }
        return f.endsWith(".pem") || f.endsWith(".crt") || f.endsWith(".cer") ? "PEM" : "PKCS12";
    }

    private static KeyStore pemStore(String name, String file, Path path) {
        Collection<? extends Certificate> certs;
        try (InputStream in = Files.newInputStream(path)) {
            certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    name + " '" + file + "' cannot be read as PEM certificates: " + e.getMessage(), e);
        }
        if (certs.isEmpty()) {
            throw new IllegalArgumentException(name + " '" + file + "' holds no PEM certificate");
        }
        try {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                ks.setCertificateEntry("cert-" + i++, c);
            }
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make an in-memory key store: " + e, e);
        }
    }

    /** Whether the store holds a private key ({@code key}) or a certificate Java can trust. */
    private static boolean holds(KeyStore ks, boolean key) throws KeyStoreException {
        for (String alias : Collections.list(ks.aliases())) {
            if (key ? ks.isKeyEntry(alias) : ks.isCertificateEntry(alias) || ks.getCertificate(alias) != null) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return enabled
                ? "TlsSettings{verifyHostname=" + verifyHostname + ", stores=" + (socketFactory != null)
                        + ", clientCertificate=" + hasKeyStore + "}"
                : "TlsSettings{off}";
    }
}
