package dev.locksmith.bench.drivers;

import java.util.List;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** Deletes a run's leftover keys (lock token counters, semaphore settings) from the shared server. */
public final class RedisKeys {
    private RedisKeys() {}

    /** Deletes every key containing {@code fragment}; returns how many were deleted. */
    public static long deleteContaining(RedisTarget target, String fragment) {
        long deleted = 0;
        try (Jedis j = new Jedis(target.host(), target.port())) {
            String cursor = ScanParams.SCAN_POINTER_START;
            ScanParams params = new ScanParams().match("*" + fragment + "*").count(1000);
            do {
                ScanResult<String> page = j.scan(cursor, params);
                List<String> keys = page.getResult();
                if (!keys.isEmpty()) {
                    deleted += j.unlink(keys.toArray(String[]::new));
                }
                cursor = page.getCursor();
            } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
        }
        return deleted;
    }
}
