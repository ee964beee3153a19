package dev.locksmith.redis;

import dev.locksmith.Locksmith;
import dev.locksmith.testkit.LockContract;

/** The Lock contract against the local 3-master cluster. */
class RedisClusterLockContractIT extends LockContract {
    @Override
    protected Locksmith.Builder clientBuilder() {
        return Locksmith.builder().uri(RedisTestSupport.CLUSTER);
    }

    @Override
    protected void cleanUp(String namespace) {
        RedisTestSupport.cleanNamespace(RedisTestSupport.CLUSTER, namespace);
    }
}
