package dev.locksmith.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/** Owner ids that tell an operator where a holder runs: {@code host/pid/random}. */
final class Owners {
    private Owners() {}

    static String ownerId() {
        String random = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE)
                .substring(0, 8);
        return hostName() + "/" + ProcessHandle.current().pid() + "/" + random;
    }

    /** The host name without a DNS look-up, which can take seconds on a badly configured machine. */
    static String hostName() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall back to the environment
        }
        String env = System.getenv("HOSTNAME");
        if (env == null || env.isBlank()) {
            env = System.getenv("COMPUTERNAME");
        }
        return env == null || env.isBlank() ? "localhost" : env.trim();
    }
}
