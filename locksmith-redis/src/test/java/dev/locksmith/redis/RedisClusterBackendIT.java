package dev.locksmith.redis;

/** The backend checks against the 3-master cluster that scripts/services.d/redis.sh starts. */
class RedisClusterBackendIT extends AbstractRedisBackendTests {
    @Override
    protected String uri() {
        return RedisTestSupport.CLUSTER;
    }
}
