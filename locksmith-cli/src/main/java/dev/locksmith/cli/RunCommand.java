package dev.locksmith.cli;

import dev.locksmith.DistributedLock;
import dev.locksmith.DistributedSemaphore;
import dev.locksmith.Lease;
import dev.locksmith.LeaseLoss;
import dev.locksmith.LockAcquisitionTimeoutException;
import dev.locksmith.LockException;
import dev.locksmith.LockInfo;
import dev.locksmith.LockInterruptedException;
import dev.locksmith.LockOptions;
import dev.locksmith.Locksmith;
import dev.locksmith.RetryPolicy;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code locksmith run}: acquires a lock (or a semaphore permit), runs a program while keeping the
 * lease alive, passes SIGINT/SIGTERM on to it, and releases when it exits.
 */
final class RunCommand implements Signals.Listener {
    static final Duration DEFAULT_TTL = Duration.ofSeconds(30);

    /** How long a program stopped with SIGTERM after a lost lease gets before SIGKILL. */
    static final Duration KILL_GRACE = Duration.ofSeconds(5);

    /**
     * Waiters poll stores without release notifications (SQLite): keep the longest gap short so a
     * freed lock is taken quickly, while a few waiting processes still cost the store little.
     */
    static final RetryPolicy RETRY = RetryPolicy.exponential(Duration.ofMillis(5), Duration.ofMillis(250), 0.5);

    static ArgParser parser() {
        return Connection.options(new ArgParser("run"))
                .option("--name", "--ttl", "--wait", "--permits", "--on-lost")
                .flag("--no-wait")
                .alias("-n", "--name")
                .stopAtFirstPositional();
    }

    /** What to do with the program when the lease is lost. */
    enum OnLost {
        KILL,
        WARN
    }

    /** The settings of one {@code run}, checked. */
    record Settings(
            String name,
            Duration ttl,
            Duration maxWait,
            boolean noWait,
            int permits,
            OnLost onLost,
            List<String> command) {

        /** {@code maxWait} null means wait as long as it takes. {@code permits} 0 means a lock. */
        static Settings from(ArgParser.Parsed args) {
            String name = args.value("--name");
            if (name == null) {
                throw new UsageException("missing --name NAME for 'locksmith run' (see 'locksmith run --help')");
            }
            if (name.isBlank() || name.length() > Locksmith.MAX_NAME_LENGTH) {
                throw new UsageException("--name must be 1 to " + Locksmith.MAX_NAME_LENGTH + " characters, not blank");
            }
            Names.requireText(name, "--name");
            Duration ttl = DEFAULT_TTL;
            if (args.value("--ttl") != null) {
                ttl = DurationParser.parse(args.value("--ttl"), "--ttl");
                if (ttl.isZero()) {
                    throw new UsageException("--ttl must be positive, was " + args.value("--ttl"));
                }
            }
            boolean noWait = args.has("--no-wait");
            Duration maxWait = null;
            if (args.value("--wait") != null) {
                if (noWait) {
                    throw new UsageException("give either --wait or --no-wait, not both");
                }
                maxWait = DurationParser.parse(args.value("--wait"), "--wait");
            }
            int permits = 0;
            if (args.value("--permits") != null) {
                try {
                    permits = Integer.parseInt(args.value("--permits").trim());
                } catch (NumberFormatException e) {
                    permits = -1;
                }
                if (permits < 1) {
                    throw new UsageException(
                            "--permits must be a whole number >= 1, was '" + args.value("--permits") + "'");
                }
            }
            OnLost onLost = OnLost.KILL;
            String lost = args.value("--on-lost");
            if (lost != null) {
                if (lost.equals("kill")) {
                    onLost = OnLost.KILL;
                } else if (lost.equals("warn")) {
                    onLost = OnLost.WARN;
                } else {
                    throw new UsageException("--on-lost must be kill or warn, was '" + lost + "'");
                }
            }
            List<String> command = args.positionals();
            if (command.isEmpty()) {
                throw new UsageException("missing program: locksmith run --name NAME [options] -- PROGRAM [ARGS...]");
            }
            return new Settings(name, ttl, maxWait, noWait, permits, onLost, command);
        }
    }

    private final Cli cli;
    private final Settings settings;
    private final Connection connection;

    private final Object guard = new Object();
    private final Thread mainThread = Thread.currentThread();
    private Process child; // guarded
    private int pendingSignal; // guarded: a signal that came before the program started
    private LeaseLoss loss; // guarded
    private volatile boolean finishing;

    RunCommand(Cli cli, ArgParser.Parsed args) {
        this.cli = cli;
        this.settings = Settings.from(args);
        this.connection = Connection.from(args, cli.env());
    }

    int execute() {
        Programs.check(settings.command().get(0), cli.env().get("PATH"));
        LockOptions options = LockOptions.builder()
                .ttl(settings.ttl())
                .autoExtend(true)
                .retry(RETRY)
                .build(); // no fixed owner: the engine names each acquisition host:pid:random:n
        Signals.install(this);
        Locksmith client = connection.open(options);
        try {
            Lease lease;
            WaitNotice notice = cli.tty() && !settings.noWait() ? WaitNotice.start(this, client) : null;
            try {
                lease = acquire(client, options);
            } catch (LockInterruptedException e) {
                return interruptedStatus();
            } catch (IllegalArgumentException e) {
                // a value only the store can judge, such as a TTL below its minimum
                throw new UsageException(e.getMessage());
            } catch (LockAcquisitionTimeoutException e) {
                String limit =
                        settings.maxWait() == null ? "" : " (--wait " + DurationParser.format(settings.maxWait()) + ")";
                throw new CliException(Exit.NOT_ACQUIRED, "gave up waiting" + limit + ": " + e.getMessage());
            } catch (LockException e) {
                throw connection.unavailable(e);
            } finally {
                if (notice != null) {
                    notice.finished();
                }
            }
            if (lease == null) {
                throw new CliException(Exit.NOT_ACQUIRED, heldMessage(client));
            }
            return runUnder(lease);
        } finally {
            finishing = true;
            client.close();
        }
    }

    private Lease acquire(Locksmith client, LockOptions options) {
        if (settings.permits() == 0) {
            DistributedLock lock = client.lock(settings.name(), options);
            if (settings.noWait()) {
                return lock.tryAcquire().orElse(null);
            }
            return settings.maxWait() == null ? lock.acquire() : lock.acquire(settings.maxWait());
        }
        DistributedSemaphore semaphore = client.semaphore(settings.name(), settings.permits(), options);
        if (settings.noWait()) {
            return semaphore.tryAcquire().orElse(null);
        }
        return settings.maxWait() == null ? semaphore.acquire() : semaphore.acquire(settings.maxWait());
    }

    /**
     * On a terminal, says once what {@code run} is waiting for when the lock is not free within a
     * second, so that a person does not take the wait for a hang.
     */
    private static final class WaitNotice extends Thread {
        static final long AFTER_MILLIS = 1000;

        private final RunCommand run;
        private final Locksmith client;
        private volatile boolean done;

        private WaitNotice(RunCommand run, Locksmith client) {
            super("locksmith-wait-notice");
            this.run = run;
            this.client = client;
            setDaemon(true);
        }

        static WaitNotice start(RunCommand run, Locksmith client) {
            WaitNotice notice = new WaitNotice(run, client);
            notice.start();
            return notice;
        }

        /** The wait is over, one way or another: say nothing more. */
        void finished() {
            done = true;
            interrupt();
        }

        @Override
        public void run() {
            try {
                Thread.sleep(AFTER_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            String holder = "";
            try {
                if (run.settings.permits() == 0) {
                    Optional<LockInfo> info = client.lock(run.settings.name()).inspect();
                    if (info.isPresent()) {
                        holder = ", held by " + info.get().owner() + " (token "
                                + info.get().fencingToken() + ")";
                    }
                }
            } catch (LockException | IllegalStateException e) {
                // decoration only
            }
            if (!done) {
                String limit = run.settings.maxWait() == null
                        ? "until it is free"
                        : "up to " + DurationParser.format(run.settings.maxWait());
                run.cli.warn("waiting for " + (run.settings.permits() == 0 ? "lock '" : "a permit of '")
                        + run.settings.name() + "'" + holder + ", " + limit + " (Ctrl-C gives up)");
            }
        }
    }

    private String heldMessage(Locksmith client) {
        String what = settings.permits() == 0
                ? "lock '" + settings.name() + "' is held"
                : "all " + settings.permits() + " permits of '" + settings.name() + "' are taken";
        try {
            if (settings.permits() == 0) {
                Optional<LockInfo> holder = client.lock(settings.name()).inspect();
                if (holder.isPresent()) {
                    what += " by " + holder.get().owner() + " (token "
                            + holder.get().fencingToken() + ", "
                            + DurationParser.format(holder.get().remaining()) + " left)";
                }
            }
        } catch (LockException e) {
            // only decoration for the message: the answer (not acquired) stands
        }
        return what + "; not waiting (--no-wait)";
    }

    private int runUnder(Lease lease) {
        lease.onLost(new LossListener());
        ProcessBuilder builder = new ProcessBuilder(settings.command()).inheritIO();
        builder.environment().put("LOCKSMITH_NAME", settings.name());
        builder.environment().put("LOCKSMITH_FENCING_TOKEN", Long.toString(lease.fencingToken()));
        builder.environment().put("LOCKSMITH_OWNER", lease.owner());
        Process process;
        synchronized (guard) {
            if (pendingSignal != 0) {
                releaseQuietly(lease);
                return interruptedStatus();
            }
            if (loss != null) {
                return Exit.LEASE_LOST;
            }
            try {
                process = builder.start();
            } catch (IOException e) {
                releaseQuietly(lease);
                String m = String.valueOf(e.getMessage());
                int status = m.contains("error=2,") ? Exit.NOT_FOUND : Exit.NOT_EXECUTABLE;
                throw new CliException(
                        status, "cannot start " + settings.command().get(0) + ": " + Connection.oneLine(e), e);
            }
            child = process;
        }
        // SIGHUP, or SIGINT/SIGTERM where they could not be caught: the JVM exits, so stop the
        // program (it would run on unprotected) and release the lock on the way out
        Thread hangUp = new Thread(new ShutdownCleanup(process, lease), "locksmith-shutdown");
        Runtime.getRuntime().addShutdownHook(hangUp);
        int status = waitUninterruptibly(process);
        try {
            Runtime.getRuntime().removeShutdownHook(hangUp);
        } catch (IllegalStateException e) {
            // already shutting down: let the hook release before the client closes; the JVM sets the status
            awaitHook(hangUp);
            return status;
        }
        Thread.interrupted();
        LeaseLoss lost;
        synchronized (guard) {
            // from here on the loss listener stays quiet; a loss it heard first was printed before it
            // let go of the guard, so the line is out before this returns and the JVM exits
            finishing = true;
            lost = loss;
        }
        if (lost != null) {
            if (settings.onLost() == OnLost.WARN) {
                cli.warn("program exited with status " + status + " after the lease on '" + settings.name()
                        + "' was lost; exiting " + Exit.LEASE_LOST);
            }
            return Exit.LEASE_LOST;
        }
        boolean released;
        try {
            released = lease.release();
        } catch (LockException e) {
            cli.warn("could not release '" + settings.name() + "' (it expires by itself within "
                    + DurationParser.format(settings.ttl()) + "): " + Connection.oneLine(e));
            return status;
        }
        if (!released) {
            cli.warn("the lease on '" + settings.name() + "' (token " + lease.fencingToken()
                    + ") was lost before the program ended (status " + status + "); exiting " + Exit.LEASE_LOST);
            return Exit.LEASE_LOST;
        }
        return status;
    }

    private static void awaitHook(Thread hook) {
        while (hook.getState() == Thread.State.NEW) {
            Thread.onSpinWait(); // the JVM starts its hooks right after it stops accepting removals
        }
        boolean interrupted = false;
        while (hook.isAlive()) {
            try {
                hook.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static int waitUninterruptibly(Process process) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return process.waitFor();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void releaseQuietly(Lease lease) {
        finishing = true;
        Thread.interrupted();
        try {
            lease.release();
        } catch (LockException e) {
            cli.warn("could not release '" + settings.name() + "': " + Connection.oneLine(e));
        }
    }

    private int interruptedStatus() {
        synchronized (guard) {
            return Exit.SIGNAL_BASE + (pendingSignal == 0 ? Signals.SIGINT : pendingSignal);
        }
    }

    /** SIGINT or SIGTERM to locksmith: pass it to the program, or stop waiting if it has not started. */
    @Override
    public void signalled(int number, String name) {
        Process target;
        synchronized (guard) {
            target = child;
            if (target == null) {
                if (pendingSignal == 0) {
                    pendingSignal = number;
                    mainThread.interrupt();
                }
                return;
            }
        }
        if (number == Signals.SIGINT && cli.tty()) {
            // Ctrl-C on a terminal already reached the program: it is in our foreground process group
            return;
        }
        if (number == Signals.SIGTERM) {
            target.destroy(); // SIGTERM on POSIX
            return;
        }
        if (!target.isAlive()) {
            return; // never signal a process id that may already belong to another process
        }
        try {
            new ProcessBuilder("kill", "-s", name, Long.toString(target.pid()))
                    .inheritIO()
                    .start();
        } catch (IOException e) {
            target.destroy();
        }
    }

    /** Runs when the JVM exits while the program still runs: stops it, then releases. */
    private final class ShutdownCleanup implements Runnable {
        private final Process process;
        private final Lease lease;

        ShutdownCleanup(Process process, Lease lease) {
            this.process = process;
            this.lease = lease;
        }

        @Override
        public void run() {
            if (process.isAlive()) {
                process.destroy();
                try {
                    if (!process.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                        process.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    process.destroyForcibly();
                }
            }
            finishing = true;
            try {
                lease.release();
            } catch (RuntimeException e) {
                // the lock expires by itself after its TTL
            }
        }
    }

    /** Hears that the lease was lost and, with {@code --on-lost kill}, stops the program. */
    private final class LossListener implements Consumer<LeaseLoss> {
        @Override
        public void accept(LeaseLoss lost) {
            boolean kill = settings.onLost() == OnLost.KILL;
            Process target;
            synchronized (guard) {
                if (finishing || loss != null) {
                    return; // our own release or close, or told already
                }
                // printed before the loss is recorded, under the guard: the main thread, which exits
                // 76 when it sees the loss, cannot see it before the line is out
                cli.warn("lost the lease on '" + settings.name() + "' (token " + lost.fencingToken() + ", "
                        + describe(lost) + "); "
                        + (kill ? "stopping the program" : "the program keeps running (--on-lost warn)"));
                loss = lost;
                target = child;
            }
            if (kill && target != null) {
                stop(target);
            }
        }
    }

    private static String describe(LeaseLoss lost) {
        switch (lost.reason()) {
            case NOT_HELD:
                return "the store no longer has it: expired, or removed with release --force";
            case EXPIRED:
                return "it could not be extended in time"
                        + (lost.cause() == null ? "" : ": " + Connection.oneLine(lost.cause()));
            default:
                return lost.reason().toString().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static void stop(Process target) {
        target.destroy();
        Thread reaper = new Thread(
                () -> {
                    try {
                        if (!target.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                            target.destroyForcibly();
                        }
                    } catch (InterruptedException e) {
                        target.destroyForcibly();
                    }
                },
                "locksmith-stop-program");
        reaper.setDaemon(true);
        reaper.start();
    }
}
