package dev.locksmith.testkit;

import dev.locksmith.Locksmith;

class MemoryExpiryContractTest extends ExpiryContract {
    @Override
    protected Locksmith.Builder clientBuilder() {
        return Locksmith.builder().uri("mem:contract");
    }
}
