package dev.locksmith.testkit;

import dev.locksmith.Locksmith;

class MemoryBadInputContractTest extends BadInputContract {
    @Override
    protected Locksmith.Builder clientBuilder() {
        return Locksmith.builder().uri("mem:contract");
    }
}
