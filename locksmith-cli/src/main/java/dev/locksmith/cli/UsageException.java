package dev.locksmith.cli;

/** The command line was wrong: exit status {@value Exit#USAGE}. */
final class UsageException extends CliException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(Exit.USAGE, message);
    }
}
