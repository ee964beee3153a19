package dev.locksmith.bench;

import java.util.Map;

/**
 * The outcome of one driver on one workload.
 *
 * @param workload workload id
 * @param driver driver name
 * @param store the driver's store
 * @param locksmith whether the driver is Locksmith
 * @param ops completed operations in the measured window (acquire + release pairs, or grants)
 * @param seconds length of the measured window
 * @param latency the workload's main latency
 * @param errors failed or timed-out operations in the measured window
 * @param skipped why the driver did not run, or {@code null} if it did
 * @param extra further figures (held leases: calls per renewal period, heap per lease, threads...)
 */
public record Result(
        String workload,
        String driver,
        String store,
        boolean locksmith,
        long ops,
        double seconds,
        Latency latency,
        long errors,
        String skipped,
        Map<String, String> extra) {

    public static Result skipped(String workload, Driver d, String why) {
        return new Result(workload, d.name(), d.store(), d.isLocksmith(), 0, 0, Latency.NONE, 0, why, Map.of());
    }

    public double opsPerSecond() {
        return seconds <= 0 ? 0 : ops / seconds;
    }

    public boolean ran() {
        return skipped == null;
    }
}
