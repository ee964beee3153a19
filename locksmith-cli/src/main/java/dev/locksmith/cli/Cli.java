package dev.locksmith.cli;

import java.io.PrintStream;
import java.util.Map;

/**
 * What every command gets from its surroundings: the output streams, the environment, and whether
 * a person is watching (stdin and stdout on a terminal).
 *
 * @param out standard output
 * @param err standard error
 * @param env the environment variables
 * @param tty whether output goes to a terminal: aligned tables and progress lines instead of
 *     plain tab-separated lines
 */
record Cli(PrintStream out, PrintStream err, Map<String, String> env, boolean tty) {

    /**
     * Prints one line on stderr, prefixed so people can tell whose message it is. Every message goes
     * through {@link Connection#mask}: a URI quoted in it, by us or by a driver, never shows a password.
     */
    void warn(String message) {
        err.println("locksmith: " + Connection.mask(message));
        err.flush();
    }
}
