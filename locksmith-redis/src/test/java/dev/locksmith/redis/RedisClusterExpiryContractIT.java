package dev.locksmith.redis;

import dev.locksmith.Locksmith;
import dev.locksmith.testkit.ExpiryContract;

/** The Expiry contract against the local 3-master cluster. */
class RedisClusterExpiryContractIT extends ExpiryContract {
    @Override
    protected Locksmith.Builder clientBuilder() {
        return Locksmith.builder().uri(RedisTestSupport.CLUSTER);
    }

    @Override
    protected void cleanUp(String namespace) {
        RedisTestSupport.cleanNamespace(RedisTestSupport.CLUSTER, namespace);
    }
}
