package dev.locksmith.internal.memory;

import dev.locksmith.spi.Backend;
import dev.locksmith.spi.BackendContext;
import dev.locksmith.spi.BackendProvider;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code mem:} opens a private in-memory store; {@code mem:NAME} opens the store NAME, shared by
 * every client in this JVM that names it (it lives as long as the JVM).
 */
public final class MemoryBackendProvider implements BackendProvider {
    private static final Map<String, MemoryBackend> SHARED = new ConcurrentHashMap<>();

    @Override
    public Set<String> schemes() {
        return Set.of("mem");
    }

    @Override
    public Backend open(URI uri, BackendContext context) {
        String name = uri.getSchemeSpecificPart();
        if (name == null || name.isEmpty() || name.equals("/")) {
            return new MemoryBackend(context.timeSource(), false);
        }
        // a shared store outlives its clients: closing one must not drop the others' listeners
        return SHARED.computeIfAbsent(name, n -> new MemoryBackend(context.timeSource(), true));
    }
}
