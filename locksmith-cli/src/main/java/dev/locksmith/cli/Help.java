package dev.locksmith.cli;

/** The {@code --help} texts. docs/CLI.md says the same at more length; keep them in step. */
final class Help {
    private Help() {}

    static final String CONNECTION = """
              --backend URI            the store (default: $LOCKSMITH_BACKEND, else embedded SQLite
                                       at $LOCKSMITH_HOME/locks.db); e.g. redis://localhost:6379,
                                       jdbc:postgresql://db/app, mem: (this process only)
              --namespace NS           key prefix in a shared store (default: $LOCKSMITH_NAMESPACE,
                                       else locksmith)
              --connect-timeout DUR    give up reaching the store after DUR (default 5s)
              -h, --help               show this help
            """;

    static final String MAIN = """
            Usage: locksmith COMMAND [OPTIONS]

            Distributed locks with fencing tokens, from the shell.

            Commands:
              run       run a program while holding a lock (or a semaphore permit)
              inspect   show who holds a lock, or that it is free
              list      list every held lock and permit in the namespace
              release   take a lock away from its holder (operator action, needs --force)
              demo      watch worker processes take turns on one lock
              bench     run the benchmarks (locksmith-bench)
              help      show help for a command

            Run 'locksmith COMMAND --help' for a command's options and examples.
            Durations: 500ms, 30s, 1m30s, 2h, 1.5s, 250us or ISO-8601 (PT30S).
            Errors are one line on stderr; LOCKSMITH_DEBUG=1 adds debug lines and stack traces.
            Exit statuses: 64 usage, 69 store unavailable, 75 not acquired, 76 lease lost,
            126/127 program not executable/not found; otherwise the program's own. See docs/CLI.md.

            Examples:
              locksmith demo
              locksmith run --name nightly-report --no-wait -- ./report.sh
              locksmith list
            """;

    static final String RUN = """
            Usage: locksmith run --name NAME [OPTIONS] [--] PROGRAM [ARGS...]

            Acquires the lock NAME (or, with --permits, one permit of a semaphore), runs PROGRAM,
            keeps the lease alive while it runs, passes SIGINT/SIGTERM on to it, and releases when
            it exits. PROGRAM gets LOCKSMITH_NAME, LOCKSMITH_FENCING_TOKEN and LOCKSMITH_OWNER in
            its environment. Exits with PROGRAM's status, or:
              64 usage error, 69 store unavailable, 75 not acquired in time (or held, with
              --no-wait), 76 the lease was lost while PROGRAM ran, 126/127 PROGRAM not
              executable/not found, 128+N PROGRAM (or the wait) ended by signal N.

            Options:
              -n, --name NAME          the lock (required)
              --ttl DUR                lease time to live, renewed every TTL/3 while PROGRAM runs;
                                       if locksmith dies, others wait at most this long (default 30s)
              --wait DUR               give up (status 75) if not acquired within DUR
                                       (default: wait as long as it takes)
              --no-wait                one attempt: if held, exit 75 at once
              --permits N              take one of N permits of semaphore NAME instead of a lock
              --on-lost kill|warn      if the lease is lost while PROGRAM runs: kill sends it SIGTERM
                                       (SIGKILL 5s later), warn lets it finish (default kill);
                                       either way locksmith exits 76
            """ + CONNECTION + """

            Examples:
              locksmith run --name nightly --no-wait -- ./nightly.sh        # cron on many hosts: one runs
              locksmith run --name migrate --wait 10m -- ./migrate.sh       # one deploy step at a time
              locksmith run --name gpu --permits 3 -- python train.py       # at most 3 at once
              locksmith run --name x --ttl 10s -- sh -c 'echo token $LOCKSMITH_FENCING_TOKEN'
            """;

    static final String INSPECT = """
            Usage: locksmith inspect NAME [--json]

            Shows who holds the lock NAME (holder, fencing token, time left), the holders of the
            permits of semaphore NAME, or that NAME is free. Exits 0 either way.

            Options:
              --json                   one JSON object: name, state (held|free), holders
            """ + CONNECTION + """

            Examples:
              locksmith inspect nightly
              locksmith inspect nightly --json | jq .holders[0].token
            """;

    static final String LIST = """
            Usage: locksmith list [--json]

            Lists every held lock and semaphore permit in the namespace: name, kind, holder,
            fencing token, time left. On a terminal as a table; piped, as tab-separated lines
            without a header.

            Options:
              --json                   a JSON array of {name, kind, owner, token, remaining_ms}
            """ + CONNECTION + """

            Examples:
              locksmith list
              locksmith list --backend redis://localhost:6379 --json
            """;

    static final String RELEASE = """
            Usage: locksmith release --force NAME [--json]

            Removes the lock NAME and every permit of semaphore NAME, whoever holds them, and says
            what it removed. Holders find out at their next renewal (with 'locksmith run', within
            TTL/3) and lose the lease. Use it for a holder that is stuck, not one that is slow.

            Options:
              --force                  required: confirms that you mean to take the lock away
              --json                   {name, removed: [...]}
            """ + CONNECTION + """

            Examples:
              locksmith release --force nightly
            """;

    static final String DEMO = """
            Usage: locksmith demo [--workers N] [--increments K] [--keep]

            Starts N worker processes of this command that contend for one lock on the embedded
            SQLite store (no server needed) and each add 1 to a shared counter file K times under
            it, shows progress, then checks: the count, the fencing tokens in run order, and that
            no two workers were inside the lock at once. Exits 0 if all is well, 1 if not.

            Options:
              --workers N              worker processes (default 4)
              --increments K           increments per worker (default 5)
              --keep                   keep the workers' logs under $LOCKSMITH_HOME/demo
            """ + CONNECTION + """

            Examples:
              locksmith demo
              locksmith demo --workers 8 --increments 20
              locksmith demo --backend redis://localhost:6379
            """;

    static final String BENCH = """
            Usage: locksmith bench [BENCH OPTIONS]

            Benchmarks live in the locksmith-bench module, which drives every backend and peer
            library with the same workload. The ./locksmith script of the repository runs them
            (scripts/bench.sh, which builds the module and starts the servers it needs); the
            command itself only points there. Results and options: docs/PERFORMANCE.md.

            Options:
              -h, --help               show this help

            Examples:
              ./locksmith bench --quick
              scripts/bench.sh --duration 5s --drivers locksmith,redisson
            """;

    static String forCommand(String command) {
        switch (command) {
            case "run":
                return RUN;
            case "inspect":
                return INSPECT;
            case "list":
                return LIST;
            case "release":
                return RELEASE;
            case "demo":
                return DEMO;
            case "bench":
                return BENCH;
            default:
                return null;
        }
    }
}
