package dev.locksmith.testkit;

import dev.locksmith.Locksmith;

class MemorySemaphoreContractTest extends SemaphoreContract {
    @Override
    protected Locksmith.Builder clientBuilder() {
        return Locksmith.builder().uri("mem:contract");
    }
}
