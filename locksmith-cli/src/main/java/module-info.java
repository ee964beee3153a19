/**
 * The {@code locksmith} command. Not a library: its packages are not exported. Backends are found
 * at run time through {@link dev.locksmith.spi.BackendProvider} by URI scheme.
 */
module dev.locksmith.cli {
    requires dev.locksmith.core;
    requires java.logging;
    requires java.management;
    requires jdk.unsupported;
}
