package dev.locksmith.redis;

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
import java.util.Map;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;

/**
 * The TLS side of a {@code rediss://} URI: the trust and key stores its settings name, read once
 * when the URI is parsed, and the host name check. Every failure names the setting at fault.
 */
final class TlsMaterial {
    /** The TLS settings of a URI, only allowed on {@code rediss://}. */
    static final List<String> SETTINGS = List.of(
            "trustStore",
            "trustStoreType",
            "trustStorePassword",
            "keyStore",
            "keyStoreType",
            "keyStorePassword",
            "verifyHostname");

    /** No TLS ({@code redis://}, {@code redis-sentinel://}). */
    static final TlsMaterial NONE = new TlsMaterial(false, true, false, null, null);

    final boolean enabled;
    final boolean verifyHostname;
    /** Whether a client certificate is configured. */
    final boolean hasKeyStore;
    /** Null for the JVM's default. */
    final SSLSocketFactory sslSocketFactory;
    /** Turns host name verification on (or leaves it off). */
    final SSLParameters sslParameters;

    private TlsMaterial(boolean enabled, boolean verify, boolean hasKeyStore, SSLSocketFactory f, SSLParameters p) {
        this.enabled = enabled;
        this.verifyHostname = verify;
        this.hasKeyStore = hasKeyStore;
        this.sslSocketFactory = f;
        this.sslParameters = p;
    }

    /** The same TLS settings for every connection: commands, the release channel, sentinels. */
    DefaultJedisClientConfig.Builder apply(DefaultJedisClientConfig.Builder b) {
        b.ssl(enabled);
        if (enabled) {
            b.sslParameters(sslParameters);
            if (sslSocketFactory != null) {
                b.sslSocketFactory(sslSocketFactory);
            }
        }
        return b;
    }

    /** Reads the stores that {@code s} (TLS settings by name) names; {@code verifyHostname} is parsed already. */
    static TlsMaterial of(Map<String, String> s, boolean verifyHostname) {
        String trustStore = s.get("trustStore");
        String keyStore = s.get("keyStore");
        requires(s, "trustStoreType", "trustStore");
        requires(s, "trustStorePassword", "trustStore");
        requires(s, "keyStoreType", "keyStore");
        requires(s, "keyStorePassword", "keyStore");
        if (!verifyHostname && trustStore == null) {
            throw new IllegalArgumentException("verifyHostname=false needs a trustStore with a private CA: with the"
                    + " JVM's public CAs any certificate they signed for any host would be accepted");
        }
        SSLParameters params = new SSLParameters();
        // Java checks the host name only when asked, and Jedis does not ask
        params.setEndpointIdentificationAlgorithm(verifyHostname ? "HTTPS" : null);
        if (trustStore == null && keyStore == null) {
            return new TlsMaterial(true, verifyHostname, false, null, params); // SSLSocketFactory.getDefault()
        }
        String trustPassword = s.get("trustStorePassword");
        String keyPassword = s.get("keyStorePassword");
        TrustManager[] trust = null;
        KeyManager[] keys = null;
        boolean inKeyStore = false;
        try {
            if (trustStore != null) {
                KeyStore ks = load("trustStore", trustStore, s.get("trustStoreType"), trustPassword, true);
                if (!has(ks, false)) {
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
                inKeyStore = true;
                KeyStore ks = load("keyStore", keyStore, s.get("keyStoreType"), keyPassword, false);
                if (!has(ks, true)) {
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
            String which = inKeyStore ? "keyStore '" + keyStore : "trustStore '" + trustStore;
            throw new IllegalArgumentException(which + "' cannot be used: " + e, e);
        }
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(keys, trust, null);
            return new TlsMaterial(true, verifyHostname, keyStore != null, ctx.getSocketFactory(), params);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot make a TLS context: " + e, e);
        }
    }

    private static void requires(Map<String, String> s, String name, String other) {
        if (s.get(name) != null && s.get(other) == null) {
            throw new IllegalArgumentException(name + " is given without " + other);
        }
    }

    /** Loads a key or trust store file; {@code name} is the setting, its type and password settings follow it. */
    private static KeyStore load(String name, String file, String type, String password, boolean trust) {
        String typeName = name + "Type";
        String passwordName = name + "Password";
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
                throw new IllegalArgumentException(typeName + " PEM is not supported for " + name + " ('" + file
                        + "'); use PKCS12 or JKS (openssl pkcs12 -export makes one from a PEM key and certificate)");
            }
            if (password != null) {
                throw new IllegalArgumentException(passwordName + " is given but a PEM " + name + " has none");
            }
            return pemStore(name, file, path);
        }
        KeyStore ks;
        try {
            ks = KeyStore.getInstance(t);
        } catch (KeyStoreException e) {
            throw new IllegalArgumentException(
                    typeName + " '" + (type != null ? type : t) + "' is not supported; use "
                            + (trust ? "PKCS12, JKS or PEM" : "PKCS12 or JKS"),
                    e);
        }
        try (InputStream in = Files.newInputStream(path)) {
            ks.load(in, password == null ? null : password.toCharArray());
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new IllegalArgumentException(passwordName + " is wrong for " + name + " '" + file + "'", e);
            }
            throw new IllegalArgumentException(
                    name + " '" + file + "' cannot be read as " + t + " (set " + typeName + "?): " + e.getMessage(), e);
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
    private static boolean has(KeyStore ks, boolean key) throws KeyStoreException {
        for (String alias : Collections.list(ks.aliases())) {
            if (key ? ks.isKeyEntry(alias) : ks.isCertificateEntry(alias) || ks.getCertificate(alias) != null) {
                return true;
            }
        }
        return false;
    }
}
