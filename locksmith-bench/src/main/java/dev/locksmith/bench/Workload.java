package dev.locksmith.bench;

import java.util.Locale;

/**
 * A workload definition. {@code workers} threads run until the deadline; for the held-leases kind
 * {@code leases} is the number of leases held at once.
 */
public record Workload(String id, Kind kind, int workers, int permits, int leases, String description) {

    /** What the workers do. */
    public enum Kind {
        /** Each worker acquires and releases its own lock: nobody waits. */
        UNCONTENDED,
        /** Every worker acquires and releases the same lock with no hold time. */
        CONTENDED,
        /** Like contended, but each holder keeps the lock for a moment so there is always a waiter. */
        HANDOFF,
        /** Workers take and return permits of one semaphore. */
        SEMAPHORE,
        /** Many leases held at once with auto-extension; measures the renewal cost. */
        HELD
    }

    public static Workload uncontended(int workers) {
        return new Workload(
                "uncontended-" + workers,
                Kind.UNCONTENDED,
                workers,
                0,
                0,
                workers + " worker(s), a lock per worker, acquire + release; latency of the pair");
    }

    public static Workload contended(int workers) {
        return new Workload(
                "contended-" + workers,
                Kind.CONTENDED,
                workers,
                0,
                0,
                workers
                        + " workers (one client each) on one lock, no hold time; ops = grants (handoffs_per_s: grants to"
                        + " another worker), latency = acquire wait");
    }

    public static Workload handoff(int workers) {
        return new Workload(
                "handoff-" + workers,
                Kind.HANDOFF,
                workers,
                0,
                0,
                workers + " workers (one client each) on one lock, held 1 ms, 1 ms between tries; latency = release"
                        + " start to the grant to"
                        + " another worker");
    }

    public static Workload semaphore(int permits) {
        return new Workload(
                "semaphore-" + permits + "x" + (4 * permits),
                Kind.SEMAPHORE,
                4 * permits,
                permits,
                0,
                permits + " permits, " + 4 * permits + " workers (one client each); latency = acquire wait");
    }

    public static Workload held(int leases) {
        return new Workload(
                "held-" + leases,
                Kind.HELD,
                0,
                0,
                leases,
                String.format(Locale.ROOT, "%,d leases held with auto-extension in one client", leases));
    }
}
