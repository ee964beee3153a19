package dev.locksmith.redis;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway CA with a server certificate for 127.0.0.1 and localhost and a client certificate,
 * made with the {@code openssl} command in a directory of the test's. Valid for two days.
 */
final class TestCertificates {
    static final String TRUST_PASSWORD = "trust-pw";
    static final String CLIENT_PASSWORD = "client-pw";

    /** The CA certificate in PEM, as redis-server's {@code tls-ca-cert-file} takes it. */
    final Path caPem;
    /** The CA certificate in a PKCS12 trust store made by Java, password {@link #TRUST_PASSWORD}. */
    final Path trustP12;
    /** The CA certificate in a JKS trust store, password {@link #TRUST_PASSWORD}. */
    final Path trustJks;
    /** The CA certificate in a PKCS12 file made by openssl 3.0, which Java sees as holding no trusted entry. */
    final Path opensslTrustP12;

    final Path serverCert;
    final Path serverKey;
    /** The client's key and certificate in PKCS12, password {@link #CLIENT_PASSWORD}. */
    final Path clientP12;

    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
        caPem = dir.resolve("ca.crt");
        trustP12 = dir.resolve("ca.p12");
        trustJks = dir.resolve("ca.jks");
        opensslTrustP12 = dir.resolve("ca-openssl.p12");
        serverCert = dir.resolve("server.crt");
        serverKey = dir.resolve("server.key");
        clientP12 = dir.resolve("client.p12");
    }

    /** Makes the certificates in {@code dir}; skips the test if openssl is not installed. */
    static TestCertificates create(Path dir) throws IOException, InterruptedException, GeneralSecurityException {
        assumeTrue(
                opensslInstalled(), "openssl is not installed: the TLS tests need it to make throwaway certificates");
        TestCertificates c = new TestCertificates(dir);
        c.make();
        return c;
    }

    private static boolean opensslInstalled() throws InterruptedException {
        try {
            Process p = new ProcessBuilder("openssl", "version")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** redis-server options that turn TLS on with these certificates. */
    List<String> serverArgs(String authClients) {
        return List.of(
                "--tls-cert-file", serverCert.toString(),
                "--tls-key-file", serverKey.toString(),
                "--tls-ca-cert-file", caPem.toString(),
                "--tls-auth-clients", authClients);
    }

    private void make() throws IOException, InterruptedException, GeneralSecurityException {
        Files.writeString(
                dir.resolve("ca.cnf"),
                String.join(
                        "\n",
                        "[req]",
                        "distinguished_name = dn",
                        "prompt = no",
                        "x509_extensions = v3",
                        "[dn]",
                        "CN = Locksmith throwaway test CA",
                        "[v3]",
                        "basicConstraints = critical,CA:TRUE",
                        "keyUsage = critical,keyCertSign,cRLSign",
                        "subjectKeyIdentifier = hash",
                        ""));
        openssl(
                "req",
                "-x509",
                "-new",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.crt",
                "-days",
                "2",
                "-config",
                "ca.cnf");
        leaf("server", "localhost", "serverAuth", "subjectAltName = IP:127.0.0.1,DNS:localhost");
        leaf("client", "locksmith-test-client", "clientAuth", "");
        openssl(
                "pkcs12",
                "-export",
                "-in",
                "client.crt",
                "-inkey",
                "client.key",
                "-name",
                "client",
                "-passout",
                "pass:" + CLIENT_PASSWORD,
                "-out",
                "client.p12");
        openssl(
                "pkcs12",
                "-export",
                "-nokeys",
                "-in",
                "ca.crt",
                "-passout",
                "pass:" + TRUST_PASSWORD,
                "-out",
                "ca-openssl.p12");
        Certificate ca;
        try (InputStream in = Files.newInputStream(caPem)) {
            ca = CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        trustStore("PKCS12", ca, trustP12);
        trustStore("JKS", ca, trustJks);
    }

    private void leaf(String name, String cn, String usage, String extra) throws IOException, InterruptedException {
        Files.writeString(
                dir.resolve(name + ".ext"),
                String.join(
                        "\n",
                        "basicConstraints = critical,CA:FALSE",
                        "keyUsage = critical,digitalSignature,keyEncipherment",
                        "extendedKeyUsage = " + usage,
                        extra,
                        ""));
        openssl(
                "req",
                "-new",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-keyout",
                name + ".key",
                "-out",
                name + ".csr",
                "-subj",
                "/CN=" + cn);
        openssl(
                "x509",
                "-req",
                "-in",
                name + ".csr",
                "-CA",
                "ca.crt",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-days",
                "2",
                "-extfile",
                name + ".ext",
                "-out",
                name + ".crt");
    }

    private static void trustStore(String type, Certificate ca, Path file)
            throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance(type);
        ks.load(null, null);
        ks.setCertificateEntry("ca", ca);
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, TRUST_PASSWORD.toCharArray());
        }
    }

    private void openssl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        Path log = dir.resolve("openssl.log");
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("openssl did not finish in 60 s: " + cmd);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(
                    "openssl failed: " + cmd + "\n" + Files.readString(log, StandardCharsets.UTF_8));
        }
    }
}
