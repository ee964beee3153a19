package dev.locksmith.jdbc;

import static dev.locksmith.jdbc.SqlExecutor.query;
import static dev.locksmith.jdbc.SqlExecutor.queryLong;
import static dev.locksmith.jdbc.SqlExecutor.update;

import dev.locksmith.LeaseKind;
import dev.locksmith.TimeSource;
import dev.locksmith.spi.support.FeedListeners;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

/**
 * PostgreSQL: {@code RETURNING}, releases that {@code NOTIFY} in the releasing statement, and the
 * wait queue ({@code <prefix>queue}): a queued attempt that finds the key held puts its owner in
 * the queue, a grant takes it out, and a release takes the first live queued owner out and names it
 * in its notification, {@code <kind><key>\n<owner>} ({@link FeedListeners#encode}).
 */
final class PostgresDialect extends Dialect {
    /** How long a wait queue entry outlives the holder's lease: its waiter looks again before then. */
    static final long QUEUE_SLACK_MILLIS = 5_000;

    final String queueTable;
    /** The notification channel (lower case, as PostgreSQL folds identifiers). */
    final String channel;

    private final String prefix;
    private final boolean notifies;
    private final boolean queue;
    /** A queued owner keeps its place (seq) and the later of its two lapse times. */
    private final String keepPlace;

    PostgresDialect(String prefix, boolean notifications) {
        this(prefix, notifications && driverPresent(), notifications && driverPresent());
    }

    private PostgresDialect(String prefix, boolean notifies, boolean queue) {
        super("PostgreSQL", prefix, "(extract(epoch from statement_timestamp()) * 1000)::bigint");
        this.prefix = prefix;
        this.notifies = notifies;
        this.queue = queue;
        this.queueTable = prefix + "queue";
        this.channel = (prefix + "release").toLowerCase(Locale.ROOT);
        this.keepPlace = " ON CONFLICT (name, kind, owner) DO UPDATE SET expires_at = GREATEST(" + queueTable
                + ".expires_at, EXCLUDED.expires_at)";
    }

    /** {@code LISTEN} needs the driver's {@code PGConnection}, which a user's pool may not expose. */
    private static boolean driverPresent() {
        try {
            Class.forName("org.postgresql.PGConnection", false, PostgresDialect.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    @Override
    boolean networkTimeouts() {
        return true;
    }

    @Override
    boolean notifies() {
        return notifies;
    }

    @Override
    PgListener listener(ConnectionSource source, TimeSource time) {
        return notifies ? new PgListener(source, channel, time) : null;
    }

    @Override
    boolean queue() {
        return queue;
    }

    @Override
    Dialect withoutQueue() {
        return queue ? new PostgresDialect(prefix, notifies, false) : this;
    }

    @Override
    String[] types() {
        return new String[] {"VARCHAR(255)", "BYTEA", "BIGINT", ""};
    }

    @Override
    List<String> ddl() {
        // the wait queue: kind 'L' or 'P', expiry by the database clock, seq for arrival order
        return plus(
                super.ddl(),
                "CREATE TABLE IF NOT EXISTS " + queueTable + " (name VARCHAR(255) NOT NULL, kind CHAR(1) NOT NULL,"
                        + " owner VARCHAR(255) NOT NULL, expires_at BIGINT NOT NULL, seq BIGSERIAL NOT NULL,"
                        + " PRIMARY KEY (name, kind, owner))");
    }

    @Override
    List<String> tables() {
        return plus(super.tables(), queueTable);
    }

    /** The wait queue table comes last; it is optional: without it releases name nobody. */
    @Override
    List<String> probes() {
        return plus(super.probes(), "SELECT name, kind, owner, expires_at, seq FROM " + queueTable + " WHERE 1 = 0");
    }

    @Override
    String insertIfAbsent(String into, String values) {
        return "INSERT INTO " + into + " VALUES (" + values + ") ON CONFLICT (name) DO NOTHING";
    }

    /** With the queue, a grant takes the owner out of it in the same statement. */
    @Override
    Long grant(Connection c, String key, String owner, long ttlMs) throws SQLException {
        if (!queue) {
            return super.grant(c, key, owner, ttlMs);
        }
        String sql = "WITH g AS (" + acquireUpdate + " RETURNING token), d AS (DELETE FROM " + queueTable
                + " WHERE name = ? AND kind = 'L' AND owner = ? AND EXISTS (SELECT 1 FROM g)) SELECT token FROM g";
        return queryLong(c, sql, owner, owner, owner, ttlMs, key, owner, key, owner);
    }

    /**
     * With {@code queue}: the holder, putting the owner in the key's wait queue (or keeping its
     * place) when the lock is held, in one statement (key, owner, slack): the entry lapses at the
     * holder's remaining lease plus the slack.
     */
    @Override
    String selectHolder(boolean queue) {
        if (!queue) {
            return selectHolder;
        }
        return "WITH h AS (SELECT name, owner, expires_at - " + now + " AS remaining FROM " + locks
                + " WHERE name = ?), i AS (INSERT INTO " + queueTable + " (name, kind, owner, expires_at) SELECT"
                + " h.name, 'L', ?, " + now + " + h.remaining + ? FROM h WHERE h.owner IS NOT NULL AND h.remaining > 0"
                + keepPlace + ") SELECT owner, remaining FROM h";
    }

    @Override
    Object[] holderParams(String key, String owner, boolean queue) {
        return queue ? new Object[] {key, owner, QUEUE_SLACK_MILLIS} : new Object[] {key};
    }

    @Override
    void enqueuePermit(Connection c, String key, String owner, long remainingMs) throws SQLException {
        String sql = "INSERT INTO " + queueTable + " (name, kind, owner, expires_at) VALUES (?, ?, ?, " + now + " + ?)";
        update(c, sql + keepPlace, key, "P", owner, remainingMs + QUEUE_SLACK_MILLIS);
    }

    @Override
    int leaveQueue(Connection c, LeaseKind kind, String key, String owner) throws SQLException {
        return update(
                c, "DELETE FROM " + queueTable + " WHERE name = ? AND kind = ? AND owner = ?", key, code(kind), owner);
    }

    @Override
    void insertPermit(Connection c, String key, String owner, long token, long ttlMs) throws SQLException {
        if (!queue) {
            super.insertPermit(c, key, owner, token, ttlMs);
            return;
        }
        String leave = "WITH d AS (DELETE FROM " + queueTable + " WHERE name = ? AND kind = 'P' AND owner = ?) ";
        update(c, leave + insertPermit, key, owner, key, owner, token, ttlMs);
    }

    /** A query whose rows are the released keys, notifying listeners in the same statement. */
    @Override
    int release(Connection c, LeaseKind kind, String key, String owner) throws SQLException {
        String code = code(kind);
        String r = "WITH r AS (" + releaseStatement(kind) + " RETURNING name)";
        String sql = queue
                ? r + notifyNext(code)
                : r + " SELECT pg_notify('" + channel + "', '" + code + "' || r.name) FROM r";
        return query(c, sql, rs -> 1, key, owner).size();
    }

    /**
     * The notifying tail of a release whose CTE {@code r} returns the released name: drops the
     * key's lapsed queue entries, takes the first live one out (arrival order) and publishes
     * {@code <kind><key>} plus, if an owner was taken, {@code \n<owner>}; all in the releasing
     * statement, so nothing is published or dequeued unless the release commits.
     */
    private String notifyNext(String kindCode) {
        String name = "(SELECT name FROM r)";
        return ", x AS (DELETE FROM " + queueTable + " WHERE name = " + name + " AND kind = '" + kindCode
                + "' AND expires_at <= " + now + "), n AS (DELETE FROM " + queueTable + " WHERE name = " + name
                + " AND kind = '" + kindCode + "' AND owner = (SELECT q.owner FROM " + queueTable + " q WHERE q.name = "
                + name + " AND q.kind = '" + kindCode + "' AND q.expires_at > " + now
                + " ORDER BY q.seq LIMIT 1) RETURNING owner) SELECT pg_notify('" + channel + "', '" + kindCode
                + "' || r.name || COALESCE(chr(10) || (SELECT owner FROM n), '')) FROM r";
    }

    @Override
    void notifyForced(Connection c, LeaseKind kind, String key) throws SQLException {
        query(c, "SELECT pg_notify('" + channel + "', ?)", rs -> 1, FeedListeners.topic(kind, key));
    }

    private static String code(LeaseKind kind) {
        return FeedListeners.topic(kind, "");
    }

    // FOR SHARE: a concurrent re-grant waits for this statement, and the guard is re-checked
    @Override
    String writeState() {
        return insertStateSelect() + " FOR SHARE ON CONFLICT (name) DO UPDATE SET state_value = EXCLUDED.state_value,"
                + " token = EXCLUDED.token, expires_at = EXCLUDED.expires_at WHERE " + state
                + ".token <= EXCLUDED.token";
    }
}
