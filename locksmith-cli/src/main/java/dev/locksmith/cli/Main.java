package dev.locksmith.cli;

import dev.locksmith.LockException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The {@code locksmith} command. See {@code locksmith --help} and docs/CLI.md.
 *
 * <p>Every failure ends with one line on stderr and a documented exit status ({@link Exit}).
 */
public final class Main {
    private final Cli cli;

    Main(Cli cli) {
        this.cli = cli;
    }

    /** Runs the command and exits with its status. */
    public static void main(String[] args) {
        Cli cli = new Cli(System.out, System.err, System.getenv(), System.console() != null);
        CliLogging.install(System.err, CliLogging.debug(cli.env()));
        int status = new Main(cli).run(args);
        System.out.flush();
        System.err.flush();
        System.exit(status);
    }

    /** Runs the command line {@code args}; returns the exit status. */
    int run(String[] args) {
        try {
            return dispatch(Arrays.asList(args));
        } catch (CliException e) {
            cli.warn(e.getMessage());
            return e.status();
        } catch (LockException e) {
            cli.warn(Connection.oneLine(e));
            return Exit.UNAVAILABLE;
        } catch (RuntimeException e) {
            cli.warn("internal error: " + Connection.oneLine(e) + " ("
                    + e.getClass().getName() + ")");
            if (CliLogging.debug(cli.env())) {
                cli.err().print(Connection.mask(CliLogging.stackTrace(e)));
            }
            return Exit.SOFTWARE;
        }
    }

    private int dispatch(List<String> args) {
        // options before the command are connection options or --help/--version
        ArgParser global =
                Connection.options(new ArgParser("")).flag("--version").stopAtFirstPositional();
        int commandAt = 0;
        while (commandAt < args.size() && args.get(commandAt).startsWith("-")) {
            String a = args.get(commandAt);
            boolean takesValue = (a.equals(Connection.BACKEND)
                    || a.equals(Connection.NAMESPACE)
                    || a.equals(Connection.CONNECT_TIMEOUT));
            commandAt += takesValue ? 2 : 1;
        }
        if (commandAt >= args.size()) {
            ArgParser.Parsed parsed = global.parse(args);
            if (parsed.has("--version")) {
                cli.out().println("locksmith " + version());
                return Exit.OK;
            }
            if (parsed.help()) {
                cli.out().print(Help.MAIN);
                return Exit.OK;
            }
            cli.err().print(Help.MAIN);
            throw new UsageException("missing command (run, inspect, list, release, demo, bench)");
        }
        String command = args.get(commandAt);
        List<String> rest = new java.util.ArrayList<>(args.subList(0, commandAt));
        rest.addAll(args.subList(commandAt + 1, args.size()));
        switch (command) {
            case "run": {
                ArgParser.Parsed parsed = RunCommand.parser().parse(rest);
                if (parsed.help()) {
                    return help("run");
                }
                return new RunCommand(cli, parsed).execute();
            }
            case "inspect": {
                ArgParser.Parsed parsed = InspectCommand.parser().parse(rest);
                return parsed.help() ? help(command) : InspectCommand.execute(cli, parsed);
            }
            case "list": {
                ArgParser.Parsed parsed = ListCommand.parser().parse(rest);
                return parsed.help() ? help(command) : ListCommand.execute(cli, parsed);
            }
            case "release": {
                ArgParser.Parsed parsed = ReleaseCommand.parser().parse(rest);
                return parsed.help() ? help(command) : ReleaseCommand.execute(cli, parsed);
            }
            case "demo": {
                ArgParser.Parsed parsed = DemoCommand.parser().parse(rest);
                return parsed.help() ? help(command) : DemoCommand.execute(cli, parsed);
            }
            case DemoWorker.COMMAND:
                return DemoWorker.execute(cli, DemoWorker.parser().parse(rest));
            case "bench": {
                // the options belong to the benchmark, which the repository's ./locksmith script runs
                if (rest.contains("--help") || rest.contains("-h")) {
                    return help(command);
                }
                cli.out()
                        .println(
                                "locksmith bench: the benchmarks are in the locksmith-bench module; from the"
                                        + " repository run './locksmith bench --quick' or scripts/bench.sh (see docs/PERFORMANCE.md)");
                return Exit.OK;
            }
            case "help": {
                if (rest.isEmpty()) {
                    cli.out().print(Help.MAIN);
                    return Exit.OK;
                }
                if (Help.forCommand(rest.get(0)) == null) {
                    throw new UsageException("no such command: '" + rest.get(0) + "' (see 'locksmith --help')");
                }
                return help(rest.get(0));
            }
            default:
                throw new UsageException("unknown command '" + command
                        + "': use run, inspect, list, release, demo or bench (see 'locksmith --help')");
        }
    }

    private int help(String command) {
        cli.out().print(Help.forCommand(command));
        return Exit.OK;
    }

    private static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "(development build)" : v;
    }

    /** For tests: the environment seen by commands. */
    static Cli cli(PrintStream out, PrintStream err, Map<String, String> env, boolean tty) {
        return new Cli(out, err, env, tty);
    }
}
