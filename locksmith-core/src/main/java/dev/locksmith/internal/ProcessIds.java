package dev.locksmith.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/** Owner ids that are unique per process, readable by operators: host, pid and a random part. */
final class ProcessIds {
    private ProcessIds() {}

    static String processId() {
        byte[] random = new byte[4];
        new SecureRandom().nextBytes(random);
        StringBuilder sb = new StringBuilder(hostName())
                .append(':')
                .append(ProcessHandle.current().pid())
                .append(':');
        for (byte b : random) {
            sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return sb.toString();
    }

    private static String hostName() {
        // Avoid InetAddress.getLocalHost(): it may wait on DNS, which a CLI start-up cannot afford.
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return clean(env);
        }
        try {
            Path p = Path.of("/proc/sys/kernel/hostname");
            if (Files.isReadable(p)) {
                return clean(Files.readString(p));
            }
        } catch (Exception ignored) {
            // fall through to the generic name
        }
        return "host";
    }

    private static String clean(String s) {
        String t = s.trim().replaceAll("[^A-Za-z0-9_.-]", "_");
        return t.isEmpty() ? "host" : t.length() > 40 ? t.substring(0, 40) : t;
    }
}
