package dev.locksmith.cli;

import dev.locksmith.LockException;
import dev.locksmith.LockInfo;
import dev.locksmith.LockOptions;
import dev.locksmith.Locksmith;
import java.util.List;

/** {@code locksmith release --force NAME}: the operator's way to take a lock from whoever holds it. */
final class ReleaseCommand {
    private ReleaseCommand() {}

    static ArgParser parser() {
        return Connection.options(new ArgParser("release")).flag("--force", "--json");
    }

    static int execute(Cli cli, ArgParser.Parsed args) {
        List<String> names = args.positionals();
        if (names.size() != 1) {
            throw new UsageException(
                    "release takes one lock name, got " + names.size() + " (see 'locksmith release --help')");
        }
        if (!args.has("--force")) {
            throw new UsageException("release needs --force: it takes the lock away from whoever holds it"
                    + " (a program run with 'locksmith run' releases by itself when it exits)");
        }
        String name = Names.requireText(names.get(0), "NAME");
        Connection connection = Connection.from(args, cli.env());
        List<LockInfo> removed;
        try (Locksmith client = connection.open(LockOptions.defaults())) {
            removed = client.forceRelease(name);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        } catch (LockException e) {
            throw connection.unavailable(e);
        }
        if (args.has("--json")) {
            StringBuilder json =
                    new StringBuilder("{\"name\":").append(Json.quote(name)).append(",\"removed\":[");
            for (int i = 0; i < removed.size(); i++) {
                json.append(i == 0 ? "" : ",").append(Json.grant(removed.get(i)));
            }
            cli.out().println(json.append("]}"));
            return Exit.OK;
        }
        if (removed.isEmpty()) {
            cli.out().println("nothing to release: '" + name + "' was free");
            return Exit.OK;
        }
        for (LockInfo info : removed) {
            cli.out()
                    .println("removed " + Json.kind(info) + " '" + name + "' held by " + info.owner() + " (token "
                            + info.fencingToken() + ", " + DurationParser.format(info.remaining()) + " left)");
        }
        return Exit.OK;
    }
}
