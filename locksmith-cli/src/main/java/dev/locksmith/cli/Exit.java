package dev.locksmith.cli;

/**
 * The exit statuses of the {@code locksmith} command, besides the status of the program that
 * {@code run} starts, which is passed through. Documented in docs/CLI.md; keep both in step.
 */
final class Exit {
    private Exit() {}

    /** Success. */
    static final int OK = 0;

    /** Generic failure of a command (a demo that found a problem). */
    static final int FAILURE = 1;

    /** Bad command line, bad duration, unknown backend scheme (sysexits EX_USAGE). */
    static final int USAGE = 64;

    /** The backend could not be reached or failed (sysexits EX_UNAVAILABLE). */
    static final int UNAVAILABLE = 69;

    /** An unexpected internal error (sysexits EX_SOFTWARE). */
    static final int SOFTWARE = 70;

    /** The lock or permit was not acquired in time, or was held with --no-wait (sysexits EX_TEMPFAIL). */
    static final int NOT_ACQUIRED = 75;

    /** The lease was lost while the program ran (with --on-lost kill the program was stopped). */
    static final int LEASE_LOST = 76;

    /** The program exists but cannot be executed (as shells report it). */
    static final int NOT_EXECUTABLE = 126;

    /** The program was not found (as shells report it). */
    static final int NOT_FOUND = 127;

    /** Added to a signal number when the program (or locksmith) was ended by that signal. */
    static final int SIGNAL_BASE = 128;
}
