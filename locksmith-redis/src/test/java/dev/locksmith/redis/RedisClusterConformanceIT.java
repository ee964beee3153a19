package dev.locksmith.redis;

import dev.locksmith.Locksmith;
import dev.locksmith.testkit.Conformance;

/**
 * Every contract against the local 3-master cluster. No proxy for the transient-failure contract:
 * the nodes announce their own addresses, which a client then uses directly.
 */
class RedisClusterConformanceIT extends Conformance {
    @Override
    protected Locksmith.Builder clientBuilder() {
        return Locksmith.builder().uri(RedisTestSupport.CLUSTER);
    }

    @Override
    protected void cleanUp(String namespace) {
        RedisTestSupport.cleanNamespace(RedisTestSupport.CLUSTER, namespace);
    }
}
