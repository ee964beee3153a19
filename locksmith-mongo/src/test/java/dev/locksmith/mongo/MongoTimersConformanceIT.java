package dev.locksmith.mongo;

import dev.locksmith.Locksmith;
import dev.locksmith.testkit.Conformance;

/**
 * The conformance suite with {@code locksmith.changeStreams=false}: no release feed, so waiters in
 * other clients wake on their timers, as on a standalone server. Fewer contention rounds than
 * {@link MongoConformanceIT}, which runs the full counts on the same code.
 */
class MongoTimersConformanceIT extends Conformance {

    @Override
    protected Locksmith.Builder clientBuilder() {
        return Locksmith.builder().uri(TestMongo.uri("locksmith.changeStreams=false"));
    }

    @Override
    protected int lockContentionRounds() {
        return 100;
    }

    @Override
    protected int updateRounds() {
        return 20;
    }

    @Override
    protected void cleanUp(String namespace) {
        TestMongo.deleteNamespace(namespace);
    }
}
