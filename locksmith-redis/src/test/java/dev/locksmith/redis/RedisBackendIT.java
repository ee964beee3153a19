package dev.locksmith.redis;

/** The backend checks against the standalone Redis on 127.0.0.1:6379. */
class RedisBackendIT extends AbstractRedisBackendTests {
    @Override
    protected String uri() {
        return RedisTestSupport.STANDALONE;
    }
}
