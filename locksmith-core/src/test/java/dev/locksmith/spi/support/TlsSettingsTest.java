package dev.locksmith.spi.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS settings: stores read from PKCS12, JKS and PEM files, and every mistake named (no server). */
class TlsSettingsTest {
    @TempDir
    Path dir;

    private static TlsSettings read(String... pairs) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            values.put(pairs[i], pairs[i + 1]);
        }
        List<String> known = new ArrayList<>(TlsSettings.KEYS);
        known.add("other");
        return TlsSettings.read(Settings.of(values, known));
    }

    /** Runs the JDK's keytool in {@code dir}; skips the test where there is none. */
    private void keytool(String... args) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        assumeTrue(Files.isExecutable(keytool), "no keytool in " + keytool);
        List<String> cmd = new ArrayList<>(List.of(keytool.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue())
                .as(new String(p.getInputStream().readAllBytes()))
                .isZero();
    }

    /** A client key store (PKCS12, password "key-pw"), its certificate in PEM, and a JKS trust store of it. */
    private void makeStores() throws Exception {
        keytool(
                "-genkeypair",
                "-alias",
                "me",
                "-keyalg",
                "EC",
                "-dname",
                "CN=localhost",
                "-validity",
                "2",
                "-keystore",
                "key.p12",
                "-storetype",
                "PKCS12",
                "-storepass",
                "key-pw");
        keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                "me",
                "-keystore",
                "key.p12",
                "-storepass",
                "key-pw",
                "-file",
                "ca.pem");
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                "ca",
                "-file",
                "ca.pem",
                "-keystore",
                "trust.jks",
                "-storetype",
                "JKS",
                "-storepass",
                "trust-pw");
    }

    private Path emptyStore(String type, String name, String password) throws Exception {
        KeyStore ks = KeyStore.getInstance(type);
        ks.load(null, null);
        Path f = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(f)) {
            ks.store(out, password.toCharArray());
        }
        return f;
    }

    private String file(String name) {
        return dir.resolve(name).toString();
    }

    @Test
    void withoutStoresTheJvmDefaultsAreUsedAndTheHostNameIsChecked() {
        TlsSettings t = read();
        assertThat(t.enabled()).isTrue();
        assertThat(t.verifyHostname()).isTrue();
        assertThat(t.hasKeyStore()).isFalse();
        assertThat(t.socketFactory()).isNull();
        assertThat(t.parameters().getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");
        assertThat(TlsSettings.NONE.enabled()).isFalse();
        assertThat(TlsSettings.NONE.parameters()).isNull();
    }

    @Test
    void storesInEveryFormatMakeASocketFactory() throws Exception {
        makeStores();
        TlsSettings pem = read("trustStore", file("ca.pem"), "verifyHostname", "false");
        assertThat(pem.socketFactory()).isNotNull();
        assertThat(pem.verifyHostname()).isFalse();
        assertThat(pem.parameters().getEndpointIdentificationAlgorithm()).isNull();
        TlsSettings jks = read("trustStore", file("trust.jks"), "trustStorePassword", "trust-pw");
        assertThat(jks.socketFactory()).isNotNull();
        TlsSettings both =
                read("trustStore", file("ca.pem"), "keyStore", file("key.p12"), "keyStorePassword", "key-pw");
        assertThat(both.hasKeyStore()).isTrue();
        assertThat(both.socketFactory()).isNotNull();
        assertThat(both.toString()).doesNotContain("key-pw");
    }

    @Test
    void wrongPasswordsAndTypesAreNamed() throws Exception {
        makeStores();
        assertThatThrownBy(() -> read("keyStore", file("key.p12"), "keyStorePassword", "wrong"))
                .hasMessageContaining("keyStorePassword is wrong");
        assertThatThrownBy(() -> read("trustStore", file("trust.jks"), "trustStorePassword", "wrong"))
                .hasMessageContaining("trustStorePassword is wrong");
        assertThatThrownBy(() -> read("trustStore", file("trust.jks"), "trustStoreType", "BOGUS"))
                .hasMessageContaining("trustStoreType 'BOGUS' is not supported; use PKCS12, JKS or PEM");
        assertThatThrownBy(() -> read("keyStore", file("ca.pem")))
                .hasMessageContaining("keyStoreType PEM is not supported");
        assertThatThrownBy(() -> read("trustStore", file("ca.pem"), "trustStorePassword", "x"))
                .hasMessageContaining("trustStorePassword is given but a PEM trustStore has none");
    }

    @Test
    void filesThatAreMissingOrHoldNothingUsableAreNamed() throws Exception {
        assertThatThrownBy(() -> read("trustStore", file("nope.p12")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trustStore file not found")
                .hasMessageContaining(file("nope.p12"));
        assertThatThrownBy(() -> read("keyStore", "")).hasMessageContaining("keyStore must name a file");
        Path empty = emptyStore("PKCS12", "empty.p12", "pw");
        assertThatThrownBy(() -> read("trustStore", empty.toString(), "trustStorePassword", "pw"))
                .hasMessageContaining("holds no certificate");
        assertThatThrownBy(() -> read("keyStore", empty.toString(), "keyStorePassword", "pw"))
                .hasMessageContaining("holds no private key");
        Path junk = Files.writeString(dir.resolve("junk.p12"), "not a key store");
        assertThatThrownBy(() -> read("trustStore", junk.toString(), "trustStorePassword", "pw"))
                .hasMessageContaining("cannot be read as PKCS12");
        Path notPem = Files.writeString(dir.resolve("junk.pem"), "not a certificate");
        assertThatThrownBy(() -> read("trustStore", notPem.toString())).hasMessageContaining("cannot be read as PEM");
    }

    @Test
    void settingsThatNeedTheirStoreOrAPrivateCa() {
        for (String store : List.of("trustStore", "keyStore")) {
            for (String part : List.of("Type", "Password")) {
                assertThatThrownBy(() -> read(store + part, "x"))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage(store + part + " is given without " + store);
            }
        }
        assertThatThrownBy(() -> read("verifyHostname", "false"))
                .hasMessageContaining("verifyHostname=false needs a trustStore");
        assertThatThrownBy(() -> read("verifyHostname", "maybe")).hasMessageContaining("verifyHostname");
    }

    @Test
    void aPlainConnectionRefusesEveryTlsSetting() {
        List<String> known = new ArrayList<>(TlsSettings.KEYS);
        known.add("other");
        TlsSettings.refuse(Settings.of(Map.of("other", "1"), known), "tls://");
        for (String key : TlsSettings.KEYS) {
            assertThatThrownBy(() -> TlsSettings.refuse(Settings.of(Map.of(key, "x"), known), "a tls:// uri"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(key + " is a TLS setting and needs a tls:// uri");
        }
    }
}
