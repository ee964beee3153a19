package dev.locksmith.bench.drivers;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import org.springframework.integration.jdbc.lock.DefaultLockRepository;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * Spring Integration's {@code JdbcLockRegistry} with its default settings (10 s TTL, waiters poll
 * every 100 ms), on a table of its own created from the module's PostgreSQL schema.
 */
public final class SpringJdbcDriver extends PeerDriver {
    private final JdbcTarget target;
    private final String prefix = Names.randomTablePrefix();
    private volatile boolean created;

    public SpringJdbcDriver(String store, JdbcTarget target) {
        super("spring-jdbc", store, "polls every 100 ms (default idleBetweenTries)");
        this.target = target;
    }

    private synchronized void createTable() {
        if (!created) {
            target.execute("CREATE TABLE " + prefix + "LOCK (LOCK_KEY CHAR(36) NOT NULL, REGION VARCHAR(100) NOT NULL,"
                    + " CLIENT_ID CHAR(36), CREATED_DATE TIMESTAMP NOT NULL, EXPIRED_AFTER TIMESTAMP NOT NULL,"
                    + " CONSTRAINT " + prefix + "LOCK_PK PRIMARY KEY (LOCK_KEY, REGION))");
            created = true;
        }
    }

    @Override
    public Session open(int concurrency) {
        createTable();
        HikariDataSource ds = target.pool(concurrency + 1, "bench-spring-jdbc");
        DefaultLockRepository repository = new DefaultLockRepository(ds);
        repository.setPrefix(prefix);
        repository.setTransactionManager(new DataSourceTransactionManager(ds));
        repository.afterPropertiesSet();
        repository.afterSingletonsInstantiated();
        JdbcLockRegistry registry = new JdbcLockRegistry(repository);
        return new Session() {
            @Override
            public Held lock(String name, Duration maxWait) {
                return tryLock(registry.obtain(name), maxWait);
            }

            @Override
            public void close() {
                repository.close();
                ds.close();
            }
        };
    }

    @Override
    public void close() {
        if (created) {
            target.execute("DROP TABLE IF EXISTS " + prefix + "LOCK");
        }
    }
}
