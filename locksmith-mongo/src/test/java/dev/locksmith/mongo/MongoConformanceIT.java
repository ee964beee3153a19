package dev.locksmith.mongo;

import dev.locksmith.Locksmith;
import dev.locksmith.testkit.Conformance;
import java.net.InetSocketAddress;

/**
 * The whole conformance suite on MongoDB with change streams: the in-JVM server, or the deployment
 * in {@code LOCKSMITH_MONGO_URI}.
 */
class MongoConformanceIT extends Conformance {

    @Override
    protected Locksmith.Builder clientBuilder() {
        return Locksmith.builder().uri(TestMongo.uri());
    }

    @Override
    protected InetSocketAddress storeAddress() {
        return TestMongo.proxyTarget();
    }

    @Override
    protected Locksmith.Builder clientBuilderVia(int port) {
        // each attempt while the proxy is cut waits up to the call timeout in real time; after the
        // cut the driver finds the server again within its 500 ms heartbeat
        return Locksmith.builder().uri(TestMongo.uriVia(port, "locksmith.callTimeout=1500ms&heartbeatFrequencyMS=500"));
    }

    @Override
    protected void cleanUp(String namespace) {
        TestMongo.deleteNamespace(namespace);
    }
}
