package dev.locksmith.bench.drivers;

import dev.locksmith.bench.Driver;

/** A peer library's driver: its name, store and way of waiting, described once. */
abstract class PeerDriver implements Driver {
    private final String name;
    private final String store;
    private final String waiting;

    PeerDriver(String name, String store, String waiting) {
        this.name = name;
        this.store = store;
        this.waiting = waiting;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String store() {
        return store;
    }

    @Override
    public final boolean isLocksmith() {
        return false;
    }

    @Override
    public final String waiting() {
        return waiting;
    }
}
