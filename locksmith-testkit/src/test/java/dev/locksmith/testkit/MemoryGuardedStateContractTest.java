package dev.locksmith.testkit;

import dev.locksmith.Locksmith;

class MemoryGuardedStateContractTest extends GuardedStateContract {
    @Override
    protected Locksmith.Builder clientBuilder() {
        return Locksmith.builder().uri("mem:contract");
    }
}
