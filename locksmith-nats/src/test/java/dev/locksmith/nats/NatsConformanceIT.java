package dev.locksmith.nats;

import dev.locksmith.Locksmith;
import dev.locksmith.testkit.Conformance;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterAll;

/** The whole conformance suite on the shared JetStream server, in buckets of its own. */
class NatsConformanceIT extends Conformance {
    private static final String BUCKET = NatsTestSupport.randomBucket();

    @Override
    protected Locksmith.Builder clientBuilder() {
        return Locksmith.builder().uri(NatsTestSupport.uri(NatsTestSupport.PORT, BUCKET));
    }

    @Override
    protected InetSocketAddress storeAddress() {
        return new InetSocketAddress(NatsTestSupport.HOST, NatsTestSupport.PORT);
    }

    @Override
    protected Locksmith.Builder clientBuilderVia(int port) {
        // jnats reconnects on its own timer: a short pause lets it follow the proxy being restored
        return Locksmith.builder().uri(NatsTestSupport.uri(port, BUCKET) + "&reconnectWait=10ms");
    }

    @Override
    protected void cleanUp(String namespace) {
        NatsTestSupport.purgeNamespace(NatsTestSupport.PORT, BUCKET, namespace);
    }

    @AfterAll
    static void deleteBuckets() {
        NatsTestSupport.deleteBuckets(NatsTestSupport.PORT, BUCKET);
    }
}
