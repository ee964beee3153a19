package dev.locksmith.cli;

import dev.locksmith.LockException;
import dev.locksmith.LockInfo;
import dev.locksmith.LockOptions;
import dev.locksmith.Locksmith;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** {@code locksmith list}: every held lock and semaphore permit in the namespace. */
final class ListCommand {
    private ListCommand() {}

    static ArgParser parser() {
        return Connection.options(new ArgParser("list")).flag("--json");
    }

    static int execute(Cli cli, ArgParser.Parsed args) {
        if (!args.positionals().isEmpty()) {
            throw new UsageException(
                    "list takes no arguments, got '" + args.positionals().get(0) + "' (see 'locksmith list --help')");
        }
        Connection connection = Connection.from(args, cli.env());
        List<LockInfo> grants;
        try (Locksmith client = connection.open(LockOptions.defaults())) {
            grants = new ArrayList<>(client.list());
        } catch (LockException e) {
            throw connection.unavailable(e);
        }
        grants.sort(Comparator.comparing(LockInfo::name)
                .thenComparing(LockInfo::kind)
                .thenComparingLong(LockInfo::fencingToken));
        if (args.has("--json")) {
            StringBuilder json = new StringBuilder("[");
            for (int i = 0; i < grants.size(); i++) {
                json.append(i == 0 ? "" : ",").append(Json.grant(grants.get(i)));
            }
            cli.out().println(json.append(']'));
            return Exit.OK;
        }
        if (grants.isEmpty()) {
            if (cli.tty()) {
                cli.out()
                        .println("no locks held in namespace '" + connection.namespace() + "' of "
                                + connection.describe());
            }
            return Exit.OK;
        }
        Table table = new Table("NAME", "KIND", "HOLDER", "TOKEN", "REMAINING");
        for (LockInfo info : grants) {
            table.row(
                    info.name(),
                    Json.kind(info),
                    info.owner(),
                    Long.toString(info.fencingToken()),
                    DurationParser.format(info.remaining()));
        }
        table.print(cli.out(), cli.tty());
        return Exit.OK;
    }
}
