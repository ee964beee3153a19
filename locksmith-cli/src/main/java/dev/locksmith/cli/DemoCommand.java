package dev.locksmith.cli;

import dev.locksmith.LockException;
import dev.locksmith.LockOptions;
import dev.locksmith.Locksmith;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code locksmith demo}: several worker processes of this same command contend for one lock on
 * the store (the embedded SQLite default unless told otherwise) and increment a shared counter file
 * under it; then the demo checks the result: the count, the fencing tokens in run order, and that
 * no two workers were ever inside the lock at once.
 */
final class DemoCommand {
    static final int DEFAULT_WORKERS = 4;
    static final int DEFAULT_INCREMENTS = 5;

    private DemoCommand() {}

    static ArgParser parser() {
        return Connection.options(new ArgParser("demo"))
                .option("--workers", "--increments")
                .flag("--keep");
    }

    /** One critical section as a worker logged it. */
    record Entry(long token, long startMicros, long endMicros, int value, boolean valid) {
        static Entry parse(String line) {
            String[] f = line.trim().split(" ");
            return new Entry(
                    Long.parseLong(f[0]),
                    Long.parseLong(f[1]),
                    Long.parseLong(f[2]),
                    Integer.parseInt(f[3]),
                    f[4].equals("valid"));
        }
    }

    /** What the logs show. */
    record Findings(int increments, List<Long> tokens, boolean tokensIncreasing, int overlaps, int lostLeases) {
        static Findings of(List<Entry> entries) {
            List<Entry> byStart = new ArrayList<>(entries);
            byStart.sort(Comparator.comparingLong(Entry::startMicros));
            List<Long> tokens = new ArrayList<>();
            boolean increasing = true;
            int overlaps = 0;
            int lost = 0;
            long lastEnd = Long.MIN_VALUE;
            for (Entry e : byStart) {
                if (!tokens.isEmpty() && e.token() <= tokens.get(tokens.size() - 1)) {
                    increasing = false;
                }
                tokens.add(e.token());
                if (e.startMicros() < lastEnd) {
                    overlaps++;
                }
                lastEnd = Math.max(lastEnd, e.endMicros());
                if (!e.valid()) {
                    lost++;
                }
            }
            return new Findings(entries.size(), tokens, increasing, overlaps, lost);
        }
    }

    static int execute(Cli cli, ArgParser.Parsed args) {
        if (!args.positionals().isEmpty()) {
            throw new UsageException(
                    "demo takes no arguments, got '" + args.positionals().get(0) + "'");
        }
        int workers = intOption(args, "--workers", DEFAULT_WORKERS, 1, 64);
        int increments = intOption(args, "--increments", DEFAULT_INCREMENTS, 1, 10_000);
        Connection connection = Connection.from(args, cli.env());
        if (connection.uri().regionMatches(true, 0, "mem:", 0, 4)) {
            throw new UsageException("demo needs a store that several processes share; mem: lives inside one"
                    + " process (leave --backend out for the embedded SQLite default)");
        }
        // open once here: a store that cannot be reached fails before any worker starts
        try (Locksmith client = connection.open(LockOptions.defaults())) {
            client.namespace();
        } catch (LockException e) {
            throw connection.unavailable(e);
        }
        String runId = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)) + "-"
                + ProcessHandle.current().pid();
        String lockName = "demo-" + runId;
        Path dir = connection.home().resolve("demo").resolve(runId);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("counter"), "0\n");
        } catch (IOException e) {
            throw new CliException(Exit.FAILURE, "cannot create the demo directory " + dir + ": " + e.getMessage(), e);
        }
        int total = workers * increments;
        cli.out()
                .println("locksmith demo: " + workers + " worker processes x " + increments
                        + " increments of one counter file, under lock '" + lockName + "' on " + connection.describe());
        cli.out().flush();

        List<Process> processes = new ArrayList<>();
        Thread cleanup = new Thread(() -> processes.forEach(Process::destroy), "locksmith-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        long began = System.nanoTime();
        try {
            for (int w = 1; w <= workers; w++) {
                processes.add(startWorker(connection, args, lockName, dir, increments, w));
            }
            waitWithProgress(cli, processes, dir.resolve("counter"), total, workers);
        } finally {
            processes.forEach(Process::destroy);
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);

        List<Entry> entries = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (int w = 1; w <= workers; w++) {
            Path log = dir.resolve("worker-" + w + ".log");
            try {
                if (Files.exists(log)) {
                    for (String line : Files.readAllLines(log)) {
                        if (!line.isBlank()) {
                            entries.add(Entry.parse(line));
                        }
                    }
                }
                int status = processes.get(w - 1).exitValue();
                if (status != 0) {
                    failures.add("worker " + w + " exited with status " + status + ": " + lastLine(dir, w));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Findings findings = Findings.of(entries);
        int finalCount = readCounter(dir.resolve("counter"));
        boolean ok = failures.isEmpty()
                && findings.increments() == total
                && finalCount == total
                && findings.tokensIncreasing()
                && findings.overlaps() == 0
                && findings.lostLeases() == 0;

        Table summary = new Table("WHAT", "RESULT");
        summary.row("increments", findings.increments() + " of " + total + " in " + elapsedMillis + " ms");
        summary.row("final count", finalCount + (finalCount == total ? "" : " (expected " + total + ")"));
        summary.row(
                "tokens in order",
                abbreviate(findings.tokens())
                        + (findings.tokensIncreasing() ? "  (strictly increasing)" : "  (NOT increasing)"));
        summary.row("overlaps found", findings.overlaps() == 0 ? "none" : Integer.toString(findings.overlaps()));
        if (findings.lostLeases() > 0) {
            summary.row("leases lost", Integer.toString(findings.lostLeases()));
        }
        summary.print(cli.out(), true, false);
        for (String failure : failures) {
            cli.warn(failure);
        }
        if (ok) {
            cli.out().println("OK: every increment happened under the lock, one worker at a time.");
            if (!args.has("--keep")) {
                deleteQuietly(dir);
            } else {
                cli.out().println("logs kept in " + dir);
            }
            return Exit.OK;
        }
        cli.warn("the demo found a problem; logs kept in " + dir);
        return Exit.FAILURE;
    }

    private static Process startWorker(
            Connection connection, ArgParser.Parsed args, String lockName, Path dir, int increments, int worker) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String jvmArg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!jvmArg.startsWith("-XX:ArchiveClassesAtExit")
                    && !jvmArg.startsWith("-agentlib")
                    && !jvmArg.startsWith("-javaagent")) {
                command.add(jvmArg);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.add(DemoWorker.COMMAND);
        command.add(Connection.NAMESPACE);
        command.add(connection.namespace());
        if (args.value(Connection.CONNECT_TIMEOUT) != null) {
            command.add(Connection.CONNECT_TIMEOUT);
            command.add(args.value(Connection.CONNECT_TIMEOUT));
        }
        command.add("--name");
        command.add(lockName);
        command.add("--dir");
        command.add(dir.toString());
        command.add("--increments");
        command.add(Integer.toString(increments));
        command.add("--worker");
        command.add(Integer.toString(worker));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(dir.resolve("worker-" + worker + ".out").toFile())
                .redirectError(dir.resolve("worker-" + worker + ".err").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        // in the environment, not on the command line, where ps would show a password in the URI
        builder.environment().put("LOCKSMITH_BACKEND", connection.uri());
        try {
            return builder.start();
        } catch (IOException e) {
            throw new CliException(Exit.FAILURE, "cannot start a demo worker: " + e.getMessage(), e);
        }
    }

    private static void waitWithProgress(Cli cli, List<Process> processes, Path counter, int total, int workers) {
        boolean interrupted = false;
        for (Process p : processes) {
            while (p.isAlive()) {
                if (cli.tty()) {
                    int done = readCounter(counter);
                    long running = processes.stream().filter(Process::isAlive).count();
                    cli.out()
                            .print("\r" + bar(done, total) + " " + done + "/" + total + " increments, " + running
                                    + " of " + workers + " workers running ");
                    cli.out().flush();
                }
                try {
                    // a refresh rate for the progress line, not a wait for an event
                    p.waitFor(cli.tty() ? 100 : 1000, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                    break;
                }
            }
        }
        if (cli.tty()) {
            cli.out().print("\r" + " ".repeat(70) + "\r");
            cli.out().flush();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            throw new CliException(Exit.SIGNAL_BASE + Signals.SIGINT, "demo interrupted");
        }
    }

    private static String bar(int done, int total) {
        int width = 24;
        int filled = total == 0 ? width : Math.min(width, done * width / total);
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
    }

    static String abbreviate(List<Long> tokens) {
        StringBuilder b = new StringBuilder();
        int n = tokens.size();
        for (int i = 0; i < n; i++) {
            if (n > 24 && i == 12) {
                b.append("... ");
                i = n - 6;
            }
            b.append(tokens.get(i)).append(i < n - 1 ? " " : "");
        }
        return b.toString().trim();
    }

    private static int readCounter(Path counter) {
        try {
            return Integer.parseInt(Files.readString(counter).trim());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    private static String lastLine(Path dir, int worker) throws IOException {
        Path err = dir.resolve("worker-" + worker + ".err");
        if (!Files.exists(err)) {
            return "(no output)";
        }
        List<String> lines = Files.readAllLines(err);
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (!lines.get(i).isBlank()) {
                return lines.get(i).trim();
            }
        }
        return "(no output)";
    }

    private static int intOption(ArgParser.Parsed args, String option, int dflt, int min, int max) {
        String text = args.value(option);
        if (text == null) {
            return dflt;
        }
        try {
            int value = Integer.parseInt(text.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(
                option + " must be a whole number from " + min + " to " + max + ", was '" + text + "'");
    }

    private static void deleteQuietly(Path dir) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // leftovers in LOCKSMITH_HOME/demo are harmless
        }
    }
}
