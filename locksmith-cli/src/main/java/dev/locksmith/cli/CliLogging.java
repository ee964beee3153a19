package dev.locksmith.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The command's logging: the library's {@link System.Logger} records (a failed renewal, say), which
 * reach {@code java.util.logging}, print as one line {@code locksmith: <message>} on stderr, with any
 * password masked, like every other message of the command. Warnings and errors only, and never a
 * stack trace, unless {@value #DEBUG_ENV} is set: then debug records too, each with the logger's name,
 * and stack traces.
 */
final class CliLogging {
    /** The environment variable that turns on debug output: any value but empty, {@code 0} or {@code false}. */
    static final String DEBUG_ENV = "LOCKSMITH_DEBUG";

    /** Held so that the level set on it stays: the logging framework keeps loggers only weakly. */
    private static final Logger LIBRARY = Logger.getLogger("dev.locksmith");

    private CliLogging() {}

    /** Whether {@code env} asks for debug output. */
    static boolean debug(Map<String, String> env) {
        String v = env.get(DEBUG_ENV);
        if (v == null) {
            return false;
        }
        String t = v.trim().toLowerCase(Locale.ROOT);
        return !t.isEmpty() && !t.equals("0") && !t.equals("false") && !t.equals("no") && !t.equals("off");
    }

    /** Replaces the JVM's logging set-up (two lines per record, stack traces) with ours, writing to {@code err}. */
    static void install(PrintStream err, boolean debug) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        root.setLevel(debug ? Level.INFO : Level.WARNING);
        // the library's debug records (System.Logger DEBUG is FINE)
        LIBRARY.setLevel(debug ? Level.FINE : null);
        root.addHandler(new OneLineHandler(err, debug));
    }

    /** Prints each record as one line; repeats of the line just printed are dropped. */
    static final class OneLineHandler extends Handler {
        private final PrintStream err;
        private final boolean debug;
        private final SimpleFormatter messages = new SimpleFormatter();
        private String last; // guarded by this

        OneLineHandler(PrintStream err, boolean debug) {
            this.err = err;
            this.debug = debug;
            setLevel(Level.ALL);
        }

        @Override
        public void publish(LogRecord record) {
            if (record == null || !isLoggable(record)) {
                return;
            }
            String message = messages.formatMessage(record);
            StringBuilder line = new StringBuilder("locksmith: ");
            if (debug) {
                line.append(record.getLevel().getName())
                        .append(' ')
                        .append(record.getLoggerName())
                        .append(": ");
            }
            line.append(message == null ? "" : message);
            if (record.getThrown() != null) {
                line.append(": ").append(Connection.oneLine(record.getThrown()));
            }
            // masked before white space is folded, so that the store's URI is still found whole
            String text = Connection.mask(line.toString())
                    .replaceAll("\\s*\\R\\s*", " ")
                    .trim();
            synchronized (this) {
                if (!debug && text.equals(last)) {
                    return; // a store that stays down fails every renewal tick the same way
                }
                last = text;
                err.println(text);
                if (debug && record.getThrown() != null) {
                    err.print(Connection.mask(stackTrace(record.getThrown())));
                }
                err.flush();
            }
        }

        @Override
        public void flush() {
            err.flush();
        }

        @Override
        public void close() {
            flush();
        }
    }

    /** The stack trace of {@code e}, as {@link Throwable#printStackTrace()} prints it. */
    static String stackTrace(Throwable e) {
        StringWriter w = new StringWriter();
        try (PrintWriter p = new PrintWriter(w)) {
            e.printStackTrace(p);
        }
        return w.toString();
    }
}
