package dev.locksmith.jdbc;

import static dev.locksmith.jdbc.SqlExecutor.inTransaction;
import static dev.locksmith.jdbc.SqlExecutor.query;
import static dev.locksmith.jdbc.SqlExecutor.queryLong;
import static dev.locksmith.jdbc.SqlExecutor.update;

import dev.locksmith.LeaseKind;
import dev.locksmith.LockInfo;
import dev.locksmith.jdbc.SqlExecutor.Tx;
import dev.locksmith.spi.AcquireResult;
import dev.locksmith.spi.Holders;
import dev.locksmith.spi.LeaseRef;
import dev.locksmith.spi.StoredState;
import dev.locksmith.spi.WriteOutcome;
import dev.locksmith.spi.support.Ttls;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The backend's atomic operations, each on one connection in the statements of a {@link Dialect}. */
final class Grants {
    private static final long MAX_TTL_MILLIS = Long.MAX_VALUE / 4;

    private Grants() {}

    /** {@code ttl} in whole milliseconds, rounded up, capped where the database's arithmetic stays safe. */
    static long ttlMillis(Duration ttl) {
        return Math.min(Ttls.millisUp(Objects.requireNonNull(ttl, "ttl")), MAX_TTL_MILLIS);
    }

    static String key(String key) {
        return checkLength(key, "key", JdbcBackend.MAX_KEY_LENGTH);
    }

    static String owner(String owner) {
        return checkLength(owner, "owner", JdbcBackend.MAX_OWNER_LENGTH);
    }

    private static String checkLength(String value, String name, int max) {
        if (Objects.requireNonNull(value, name).isEmpty() || value.length() > max) {
            throw new IllegalArgumentException(name + " must be 1 to " + max + " characters, was " + value.length());
        }
        return value;
    }

    /**
     * Takes a lock: update-first, then create the row of a never-seen key, then read the holder.
     * Update-first rather than an upsert: on PostgreSQL a contended upsert whose {@code WHERE} fails
     * still locks and writes.
     */
    static AcquireResult lock(Dialect d, Connection c, String key, String owner, long ttlMs, boolean queue)
            throws SQLException {
        for (int round = 0; round < 3; round++) {
            Long token = d.grant(c, key, owner, ttlMs);
            if (token != null) {
                return AcquireResult.acquired(token, ms(ttlMs));
            }
            if (d.inserted(c, d.insertLock, key, owner, ttlMs)) {
                return AcquireResult.acquired(1, ms(ttlMs));
            }
            List<AcquireResult> held = query(
                    c,
                    d.selectHolder(queue),
                    rs -> rs.getString(1) == null || rs.getLong(2) <= 0
                            ? null
                            : AcquireResult.held(rs.getString(1), ms(rs.getLong(2))),
                    d.holderParams(key, owner, queue));
            if (!held.isEmpty() && held.get(0) != null) {
                return held.get(0);
            }
            // freed (or created) between our statements: a race inside this operation, run it again
        }
        return AcquireResult.held(null, null);
    }

    /** Takes a permit in one transaction, serialized on the key's counter row. */
    static AcquireResult permit(
            Dialect d, Connection c, String key, String owner, int maxPermits, long ttlMs, boolean queue)
            throws SQLException {
        return inTransaction(c, () -> {
            // the counter row serializes acquirers of this semaphore (and is a write, so SQLite
            // takes its write lock first); nothing else is read before it is locked
            if (update(c, d.lockFenceSettingMax, maxPermits, key) == 0) {
                if (!d.inserted(c, d.insertFence, key, maxPermits)) {
                    update(c, d.lockFenceSettingMax, maxPermits, key);
                }
            }
            update(c, d.deleteExpiredPermits, key);
            List<LockInfo> live = permits(d, c, key);
            for (LockInfo p : live) {
                if (p.owner().equals(owner)) {
                    update(c, d.extend(LeaseKind.PERMIT), ttlMs, key, owner);
                    return Tx.commit(AcquireResult.acquired(p.fencingToken(), ms(ttlMs)));
                }
            }
            if (live.size() >= maxPermits) {
                Duration earliest = live.stream()
                        .map(LockInfo::remaining)
                        .min(Duration::compareTo)
                        .orElse(null);
                AcquireResult held =
                        AcquireResult.held(live.size() == 1 ? live.get(0).owner() : null, earliest);
                if (queue) {
                    d.enqueuePermit(c, key, owner, earliest == null ? 0 : earliest.toMillis());
                    return Tx.commit(held);
                }
                return Tx.rollback(held);
            }
            update(c, d.bumpFence, key);
            long token = queryLong(c, d.selectFence, key);
            d.insertPermit(c, key, owner, token, ttlMs);
            return Tx.commit(AcquireResult.acquired(token, ms(ttlMs)));
        });
    }

    static Holders holders(Dialect d, Connection c, LeaseKind kind, String key) throws SQLException {
        if (kind == LeaseKind.LOCK) {
            List<LockInfo> holder = lockHolder(d, c, key);
            return holder.isEmpty() ? Holders.FREE : Holders.lock(holder.get(0));
        }
        List<LockInfo> live = permits(d, c, key);
        if (live.isEmpty()) {
            return Holders.FREE;
        }
        Long max = queryLong(c, d.selectMaxPermits, key);
        return new Holders(max == null ? live.size() : max.intValue(), live);
    }

    private static List<LockInfo> permits(Dialect d, Connection c, String key) throws SQLException {
        return grants(c, d.selectPermits, LeaseKind.PERMIT, key);
    }

    private static List<LockInfo> lockHolder(Dialect d, Connection c, String key) throws SQLException {
        return grants(c, d.inspectLock, LeaseKind.LOCK, key);
    }

    /** Rows of owner, token, remaining ms. */
    private static List<LockInfo> grants(Connection c, String sql, LeaseKind kind, String key) throws SQLException {
        return query(c, sql, rs -> new LockInfo(key, kind, rs.getString(1), rs.getLong(2), ms(rs.getLong(3))), key);
    }

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    /**
     * Renews every lease in one transaction, one JDBC batch per kind: one commit (one log flush)
     * for up to 500 renewals instead of one per lease, which is what limits MariaDB and SQLite
     * when many leases are held.
     */
    static boolean[] extendAll(Dialect d, Connection c, List<LeaseRef> leases) throws SQLException {
        boolean[] out = new boolean[leases.size()];
        return inTransaction(c, () -> {
            for (LeaseKind kind : LeaseKind.values()) {
                List<Integer> index = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement(d.extend(kind))) {
                    for (int i = 0; i < leases.size(); i++) {
                        LeaseRef l = leases.get(i);
                        if (l.kind() == kind) {
                            ps.setLong(1, ttlMillis(l.ttl()));
                            ps.setString(2, l.key());
                            ps.setString(3, l.owner());
                            ps.addBatch();
                            index.add(i);
                        }
                    }
                    int[] counts = index.isEmpty() ? new int[0] : ps.executeBatch();
                    for (int j = 0; j < index.size(); j++) {
                        // SUCCESS_NO_INFO would be ambiguous; no supported driver reports it for updates
                        out[index.get(j)] =
                                j < counts.length && (counts[j] > 0 || counts[j] == Statement.SUCCESS_NO_INFO);
                    }
                }
            }
            return Tx.commit(out);
        });
    }

    /** Every live lock and permit whose key starts with {@code keyPrefix}. */
    static List<LockInfo> list(Dialect d, Connection c, String keyPrefix) throws SQLException {
        List<LockInfo> out = new ArrayList<>();
        for (LeaseKind kind : LeaseKind.values()) {
            for (LockInfo i : query(
                    c,
                    d.list(kind),
                    rs -> new LockInfo(rs.getString(1), kind, rs.getString(2), rs.getLong(3), ms(rs.getLong(4))),
                    likeEscape(keyPrefix) + "%")) {
                // LIKE is case-insensitive on some databases (SQLite): filter exactly here
                if (i.name().startsWith(keyPrefix)) {
                    out.add(i);
                }
            }
        }
        return out;
    }

    static String likeEscape(String s) {
        return s.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }

    /** Removes the lock and every permit of a key, telling listeners; the counter row stays. */
    static List<LockInfo> forceRelease(Dialect d, Connection c, String key) throws SQLException {
        return inTransaction(c, () -> {
            if (update(c, d.lockFence, key) == 0) {
                return Tx.rollback(List.<LockInfo>of());
            }
            List<LockInfo> removed = new ArrayList<>(lockHolder(d, c, key));
            boolean lockHeld = !removed.isEmpty();
            List<LockInfo> permits = permits(d, c, key);
            removed.addAll(permits);
            update(c, d.clearLock, key);
            update(c, d.deletePermits, key);
            if (lockHeld) {
                d.notifyForced(c, LeaseKind.LOCK, key);
            }
            if (!permits.isEmpty()) {
                d.notifyForced(c, LeaseKind.PERMIT, key);
            }
            return Tx.commit(removed);
        });
    }

    static Optional<StoredState> readState(Dialect d, Connection c, String key) throws SQLException {
        return query(c, d.readState, rs -> new StoredState(rs.getBytes(1), rs.getLong(2)), key).stream()
                .findFirst();
    }

    /** A guarded write; when nothing was written, whether a newer token made it stale. */
    static WriteOutcome writeState(
            Dialect d, Connection c, String key, String owner, long token, byte[] value, Object ttl)
            throws SQLException {
        if (update(c, d.writeState(), d.writeStateParams(key, owner, token, value, ttl)) > 0) {
            return WriteOutcome.WRITTEN;
        }
        Long lockToken = queryLong(c, d.selectLockToken, key);
        Long stateToken = queryLong(c, d.selectStateToken, key);
        boolean newer = (lockToken != null && lockToken > token) || (stateToken != null && stateToken > token);
        return newer ? WriteOutcome.STALE_TOKEN : WriteOutcome.NOT_HELD;
    }
}
