package dev.locksmith.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small command-line parser: long options with a value ({@code --ttl 30s} or {@code --ttl=30s}),
 * flags ({@code --json}), short aliases, positionals, and {@code --} ending the options. Hand-rolled
 * so that start-up stays fast. Not thread-safe.
 */
final class ArgParser {
    private final String command;
    private final Set<String> flags = new HashSet<>();
    private final Set<String> options = new HashSet<>();
    private final Map<String, String> aliases = new HashMap<>();
    private boolean stopAtFirstPositional;

    /** @param command the command name used in error messages, such as {@code "run"} */
    ArgParser(String command) {
        this.command = command;
        flag("--help");
        alias("-h", "--help");
    }

    /** Options that take no value. */
    ArgParser flag(String... names) {
        flags.addAll(List.of(names));
        return this;
    }

    /** Options that take a value. */
    ArgParser option(String... names) {
        options.addAll(List.of(names));
        return this;
    }

    ArgParser alias(String shortName, String longName) {
        aliases.put(shortName, longName);
        return this;
    }

    /** Everything from the first positional on is positional (the program and its arguments). */
    ArgParser stopAtFirstPositional() {
        this.stopAtFirstPositional = true;
        return this;
    }

    /**
     * Parses {@code args}.
     *
     * @throws UsageException for an unknown option, a missing value or a repeated option, unless
     *     {@code --help} was given before it, in which case the result asks for help
     */
    Parsed parse(List<String> args) {
        Map<String, String> values = new HashMap<>();
        Set<String> seenFlags = new HashSet<>();
        List<String> positionals = new ArrayList<>();
        boolean dashDash = false;
        UsageException error = null;
        int i = 0;
        while (i < args.size()) {
            String arg = args.get(i++);
            if (arg.equals("--")) {
                dashDash = true;
                positionals.addAll(args.subList(i, args.size()));
                break;
            }
            if (!arg.startsWith("-") || arg.equals("-")) {
                positionals.add(arg);
                if (stopAtFirstPositional) {
                    positionals.addAll(args.subList(i, args.size()));
                    break;
                }
                continue;
            }
            String name = arg;
            String inline = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                inline = arg.substring(eq + 1);
            }
            name = aliases.getOrDefault(name, name);
            if (flags.contains(name)) {
                if (inline != null) {
                    error = first(error, "option " + name + " takes no value");
                }
                seenFlags.add(name);
            } else if (options.contains(name)) {
                String value = inline;
                if (value == null) {
                    if (i < args.size()) {
                        value = args.get(i++);
                    } else {
                        error = first(error, "option " + name + " needs a value");
                        continue;
                    }
                }
                if (values.put(name, value) != null) {
                    error = first(error, "option " + name + " given more than once");
                }
            } else {
                error = first(error, "unknown option '" + arg + "'");
            }
        }
        boolean help = seenFlags.contains("--help");
        if (error != null && !help) {
            throw error;
        }
        return new Parsed(values, seenFlags, positionals, dashDash, help);
    }

    private UsageException first(UsageException existing, String message) {
        if (existing != null) {
            return existing;
        }
        return command.isEmpty()
                ? new UsageException(message + " (see 'locksmith --help')")
                : new UsageException(
                        message + " for 'locksmith " + command + "' (see 'locksmith " + command + " --help')");
    }

    /** The result of {@link #parse}. */
    static final class Parsed {
        private final Map<String, String> values;
        private final Set<String> flags;
        private final List<String> positionals;
        private final boolean dashDash;
        private final boolean help;

        Parsed(
                Map<String, String> values,
                Set<String> flags,
                List<String> positionals,
                boolean dashDash,
                boolean help) {
            this.values = values;
            this.flags = flags;
            this.positionals = List.copyOf(positionals);
            this.dashDash = dashDash;
            this.help = help;
        }

        /** The value of an option, or {@code null} if it was not given. */
        String value(String option) {
            return values.get(option);
        }

        boolean has(String flagOrOption) {
            return flags.contains(flagOrOption) || values.containsKey(flagOrOption);
        }

        List<String> positionals() {
            return positionals;
        }

        /** Whether {@code --} was given. */
        boolean dashDash() {
            return dashDash;
        }

        boolean help() {
            return help;
        }
    }
}
