/**
 * Locksmith core: the API ({@code dev.locksmith}), the backend SPI ({@code dev.locksmith.spi}),
 * the engine and the in-memory backend ({@code mem:}).
 */
module dev.locksmith.core {
    exports dev.locksmith;
    exports dev.locksmith.spi;
    exports dev.locksmith.spi.support;

    uses dev.locksmith.spi.BackendProvider;

    provides dev.locksmith.spi.BackendProvider with
            dev.locksmith.internal.memory.MemoryBackendProvider;
}
