package dev.locksmith.bench.drivers;

import java.util.concurrent.ThreadLocalRandom;

/** Random prefixes, so runs never see each other's keys on shared servers. */
public final class Names {
    private Names() {}

    /** A namespace such as {@code bench-3f9a1c}: short, valid for every store. */
    public static String randomNamespace() {
        return "bench-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
    }

    /** A lower-case SQL identifier prefix such as {@code bench_3f9a1c_}. */
    public static String randomTablePrefix() {
        return "bench_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL) + "_";
    }
}
