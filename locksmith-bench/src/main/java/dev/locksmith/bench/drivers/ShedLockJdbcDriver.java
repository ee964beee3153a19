package dev.locksmith.bench.drivers;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * ShedLock's {@code JdbcTemplateLockProvider} using the database's clock, lockAtMostFor 30 s,
 * lockAtLeastFor 0. ShedLock skips a busy lock instead of waiting, so the harness polls.
 */
public final class ShedLockJdbcDriver extends PeerDriver {
    private final JdbcTarget target;
    private final String table = Names.randomTablePrefix() + "shedlock";
    private volatile boolean created;

    public ShedLockJdbcDriver(String store, JdbcTarget target) {
        super("shedlock-jdbc", store, "none (skip); the harness polls every " + Polling.INTERVAL.toMillis() + " ms");
        this.target = target;
    }

    private synchronized void createTable() {
        if (!created) {
            target.execute("CREATE TABLE " + table + " (name VARCHAR(64) NOT NULL PRIMARY KEY,"
                    + " lock_until TIMESTAMP NOT NULL, locked_at TIMESTAMP NOT NULL, locked_by VARCHAR(255) NOT NULL)");
            created = true;
        }
    }

    @Override
    public Session open(int concurrency) {
        createTable();
        HikariDataSource ds = target.pool(concurrency + 1, "bench-shedlock");
        JdbcTemplateLockProvider provider =
                new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
                        .withJdbcTemplate(new JdbcTemplate(ds))
                        .withTableName(table)
                        .usingDbTime()
                        .build());
        return new Session() {
            @Override
            public Held lock(String name, Duration maxWait) {
                return shedLock(provider, name, maxWait);
            }

            @Override
            public void close() {
                ds.close();
            }
        };
    }

    @Override
    public void close() {
        if (created) {
            target.execute("DROP TABLE IF EXISTS " + table);
        }
    }
}
