package dev.locksmith.redis;

import dev.locksmith.Locksmith;
import dev.locksmith.testkit.GuardedStateContract;

/** The GuardedState contract against the local 3-master cluster. */
class RedisClusterGuardedStateContractIT extends GuardedStateContract {
    @Override
    protected Locksmith.Builder clientBuilder() {
        return Locksmith.builder().uri(RedisTestSupport.CLUSTER);
    }

    @Override
    protected void cleanUp(String namespace) {
        RedisTestSupport.cleanNamespace(RedisTestSupport.CLUSTER, namespace);
    }
}
