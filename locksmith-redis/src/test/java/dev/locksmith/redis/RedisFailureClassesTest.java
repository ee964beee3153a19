package dev.locksmith.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.BackendException;
import java.net.SocketTimeoutException;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisBusyException;
import redis.clients.jedis.exceptions.JedisClusterException;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/** Which Jedis failures the backend marks transient, so that the engine tries the call again. */
class RedisFailureClassesTest {

    private static boolean transientFailure(JedisException e) {
        BackendException b = RedisCalls.failure("ns/k", "acquire", e);
        assertThat(b.getMessage()).isEqualTo("redis acquire of 'ns/k' failed: " + e.getMessage());
        assertThat(b.getCause()).isSameAs(e);
        return b.isTransient();
    }

    @Test
    void connectionTimeoutPoolAndPassingServerStatesAreTransient() {
        assertThat(transientFailure(new JedisConnectionException("Failed to connect to 127.0.0.1:1")))
                .isTrue();
        assertThat(transientFailure(new JedisConnectionException(new SocketTimeoutException("Read timed out"))))
                .isTrue();
        assertThat(transientFailure(
                        new JedisException("Could not get a resource from the pool", new NoSuchElementException())))
                .isTrue();
        assertThat(transientFailure(new JedisClusterOperationException("No more cluster attempts left.")))
                .isTrue();
        assertThat(transientFailure(new JedisBusyException("BUSY Redis is busy running a script")))
                .isTrue();
        for (String m : new String[] {
            "LOADING Redis is loading the dataset in memory",
            "TRYAGAIN Multiple keys request during rehashing of slot",
            "READONLY You can't write against a read only replica.",
            "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'."
        }) {
            assertThat(transientFailure(new JedisDataException(m))).as(m).isTrue();
        }
        assertThat(transientFailure(new JedisClusterException("CLUSTERDOWN The cluster is down")))
                .isTrue();
    }

    @Test
    void otherFailuresAreNot() {
        assertThat(transientFailure(new JedisDataException("ERR Error running script: bad argument")))
                .isFalse();
        assertThat(transientFailure(new JedisDataException("NOAUTH Authentication required.")))
                .isFalse();
        assertThat(transientFailure(new JedisDataException("ERR invalid expire time in 'set' command")))
                .isFalse();
        assertThat(transientFailure(new JedisException("something else"))).isFalse();
    }
}
