package dev.locksmith.cli;

import dev.locksmith.LeaseKind;
import dev.locksmith.LockException;
import dev.locksmith.LockInfo;
import dev.locksmith.LockOptions;
import dev.locksmith.Locksmith;
import dev.locksmith.SemaphoreInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code locksmith inspect NAME}: who holds a lock or the permits of a semaphore, or that it is free. */
final class InspectCommand {
    private InspectCommand() {}

    static ArgParser parser() {
        return Connection.options(new ArgParser("inspect")).flag("--json");
    }

    static int execute(Cli cli, ArgParser.Parsed args) {
        List<String> names = args.positionals();
        if (names.size() != 1) {
            throw new UsageException(
                    "inspect takes one lock name, got " + names.size() + " (see 'locksmith inspect --help')");
        }
        String name = Names.requireText(names.get(0), "NAME");
        Connection connection = Connection.from(args, cli.env());
        List<LockInfo> holders = new ArrayList<>();
        try (Locksmith client = connection.open(LockOptions.defaults())) {
            Optional<LockInfo> lock = client.lock(name).inspect();
            if (lock.isPresent()) {
                holders.add(lock.get());
            } else {
                // the handle's permit count does not matter for reading; the holders come from the store
                SemaphoreInfo semaphore = client.semaphore(name, 1).inspect();
                holders.addAll(semaphore.holders());
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        } catch (LockException e) {
            throw connection.unavailable(e);
        }
        boolean semaphore = !holders.isEmpty() && holders.get(0).kind() == LeaseKind.PERMIT;
        if (args.has("--json")) {
            StringBuilder json = new StringBuilder("{\"name\":")
                    .append(Json.quote(name))
                    .append(",\"state\":")
                    .append(Json.quote(holders.isEmpty() ? "free" : "held"));
            json.append(",\"holders\":[");
            for (int i = 0; i < holders.size(); i++) {
                json.append(i == 0 ? "" : ",").append(Json.grant(holders.get(i)));
            }
            cli.out().println(json.append("]}"));
            return Exit.OK;
        }
        if (holders.isEmpty()) {
            cli.out().println(cli.tty() ? "'" + name + "' is free" : name + "\tfree");
            return Exit.OK;
        }
        if (cli.tty()) {
            cli.out()
                    .println("'" + name + "' is held"
                            + (semaphore
                                    ? ": " + holders.size() + (holders.size() == 1 ? " permit" : " permits") + " taken"
                                    : ""));
        }
        Table table = new Table("NAME", "KIND", "HOLDER", "TOKEN", "REMAINING");
        for (LockInfo info : holders) {
            table.row(
                    name,
                    Json.kind(info),
                    info.owner(),
                    Long.toString(info.fencingToken()),
                    DurationParser.format(info.remaining()));
        }
        table.print(cli.out(), cli.tty());
        return Exit.OK;
    }
}
