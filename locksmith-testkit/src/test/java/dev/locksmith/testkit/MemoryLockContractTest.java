package dev.locksmith.testkit;

import dev.locksmith.Locksmith;

class MemoryLockContractTest extends LockContract {
    @Override
    protected Locksmith.Builder clientBuilder() {
        return Locksmith.builder().uri("mem:contract");
    }
}
