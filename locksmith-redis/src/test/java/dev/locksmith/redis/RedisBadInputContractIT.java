package dev.locksmith.redis;

import dev.locksmith.Locksmith;
import dev.locksmith.testkit.BadInputContract;

/** The BadInput contract against standalone Redis on 127.0.0.1:6379. */
class RedisBadInputContractIT extends BadInputContract {
    @Override
    protected Locksmith.Builder clientBuilder() {
        return Locksmith.builder().uri(RedisTestSupport.STANDALONE);
    }

    @Override
    protected void cleanUp(String namespace) {
        RedisTestSupport.cleanNamespace(RedisTestSupport.STANDALONE, namespace);
    }
}
