package dev.locksmith.redis;

import dev.locksmith.Locksmith;
import dev.locksmith.testkit.Conformance;
import java.net.InetSocketAddress;

/**
 * Every contract against standalone Redis on 127.0.0.1:6379; the transient-failure contract
 * reaches it through a proxy that it cuts.
 */
class RedisConformanceIT extends Conformance {
    @Override
    protected Locksmith.Builder clientBuilder() {
        return Locksmith.builder().uri(RedisTestSupport.STANDALONE);
    }

    @Override
    protected void cleanUp(String namespace) {
        RedisTestSupport.cleanNamespace(RedisTestSupport.STANDALONE, namespace);
    }

    @Override
    protected InetSocketAddress storeAddress() {
        return new InetSocketAddress("127.0.0.1", 6379);
    }

    @Override
    protected Locksmith.Builder clientBuilderVia(int port) {
        return Locksmith.builder().uri("redis://127.0.0.1:" + port);
    }
}
