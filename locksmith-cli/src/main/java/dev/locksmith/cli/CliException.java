package dev.locksmith.cli;

/** A failure that ends the command with one line on stderr and the given exit status. */
class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    CliException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    CliException(int status, String message, Throwable cause) {
        super(message, cause, false, false);
        this.status = status;
    }

    /** The exit status the command ends with. */
    int status() {
        return status;
    }
}
