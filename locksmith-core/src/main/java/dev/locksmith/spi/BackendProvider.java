package dev.locksmith.spi;

import java.net.URI;
import java.util.Set;

/**
 * Opens a {@link Backend} for URIs of its schemes. Found through {@link java.util.ServiceLoader},
 * so registering one in {@code META-INF/services} (or {@code provides} in a module descriptor)
 * makes {@code Locksmith.connect(uri)} accept its schemes.
 */
public interface BackendProvider {

    /** URI schemes this provider opens, lower case, for example {@code "redis"} or {@code "jdbc"}. */
    Set<String> schemes();

    /**
     * Opens a backend. The returned backend owns what it created and closes it on {@link
     * Backend#close()}.
     *
     * @throws IllegalArgumentException if the URI is malformed for this scheme, naming what is wrong
     * @throws dev.locksmith.BackendException if the store cannot be reached
     */
    Backend open(URI uri, BackendContext context);
}
