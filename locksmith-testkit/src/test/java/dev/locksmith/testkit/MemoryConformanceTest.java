package dev.locksmith.testkit;

import dev.locksmith.Locksmith;

/** The conformance suite on the in-memory store shared by name ({@code mem:NAME}). */
class MemoryConformanceTest extends Conformance {
    @Override
    protected Locksmith.Builder clientBuilder() {
        return Locksmith.builder().uri("mem:contract");
    }
}
