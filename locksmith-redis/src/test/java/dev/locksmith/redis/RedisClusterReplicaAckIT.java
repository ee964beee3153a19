package dev.locksmith.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.BackendException;
import dev.locksmith.spi.AcquireResult;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * {@code replicaAcks} on a Redis Cluster: each grant is followed by {@code WAIT} on the connection
 * to the master owning the key's slot, so it counts that master's replicas. Starts its own cluster
 * of 3 masters with one replica each on free loopback ports.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisClusterReplicaAckIT {
    private static final Duration TTL = Duration.ofSeconds(30);
    private static final KeyLayout KEYS = new KeyLayout(RedisOptions.DEFAULT_KEY_PREFIX);

    private final List<RedisServer> servers = new ArrayList<>();
    /** Master port to the server of its replica. */
    private final Map<Integer, RedisServer> replicaOf = new HashMap<>();

    private List<Integer> masterPorts;

    @BeforeAll
    void start() throws Exception {
        for (int i = 0; i < 6; i++) {
            servers.add(RedisServer.start(
                    "--cluster-enabled",
                    "yes",
                    "--cluster-config-file",
                    "nodes.conf", // relative to the server's own --dir
                    "--cluster-port",
                    Integer.toString(freePort()), // port + 10000 may not exist for a high ephemeral port
                    "--cluster-node-timeout",
                    "5000"));
        }
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        for (RedisServer s : servers) {
            cmd.add("127.0.0.1:" + s.port());
        }
        cmd.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
        Path log = Files.createTempFile("locksmith-cluster-create", ".log");
        try {
            Process create = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            assertThat(create.waitFor(30, TimeUnit.SECONDS))
                    .as("redis-cli --cluster create finished")
                    .isTrue();
            assertThat(create.exitValue())
                    .as("redis-cli --cluster create: %s", Files.readString(log))
                    .isZero();
        } finally {
            Files.deleteIfExists(log);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (RedisServer s : servers) {
            try (Jedis j = s.client()) {
                while (!j.clusterInfo().contains("cluster_state:ok")) {
                    assertThat(System.nanoTime())
                            .as("cluster_state:ok on " + s.port())
                            .isLessThan(deadline);
                    Thread.sleep(50); // polling the node with a deadline
                }
            }
        }
        masterPorts = new ArrayList<>();
        for (RedisServer s : servers) {
            try (Jedis j = s.client()) {
                String info = j.info("replication");
                if (info.contains("role:master")) {
                    masterPorts.add(s.port());
                    continue;
                }
                while (!info.contains("master_link_status:up")) {
                    assertThat(System.nanoTime())
                            .as("replica " + s.port() + " linked")
                            .isLessThan(deadline);
                    Thread.sleep(50); // polling the replica with a deadline
                    info = j.info("replication");
                }
                replicaOf.put(Integer.parseInt(field(info, "master_port")), s);
            }
        }
        assertThat(masterPorts).hasSize(3);
        assertThat(replicaOf).containsOnlyKeys(masterPorts);
        for (int master : masterPorts) {
            awaitReplicaAcks(master);
        }
    }

    @AfterAll
    void stop() throws Exception {
        for (RedisServer s : servers) {
            s.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String field(String info, String name) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1).trim();
            }
        }
        throw new AssertionError(name + " not in " + info);
    }

    /** "Linked" is not yet acknowledging: waits until the master's replica acks a write in its slots. */
    private void awaitReplicaAcks(int masterPort) {
        String key = keysByMaster("warmup", 1).get(masterPort).get(0);
        try (Jedis m = new Jedis("127.0.0.1", masterPort)) {
            m.set(key, "1");
            assertThat(m.waitReplicas(1, 30_000))
                    .as("replica of " + masterPort + " acknowledges writes")
                    .isEqualTo(1L);
            m.del(key);
        }
    }

    /** Per slot, the port of its master, as the first node sees it. */
    private int[] slotOwners() {
        int[] out = new int[16384];
        try (Jedis j = servers.get(0).client()) {
            for (Object o : j.clusterSlots()) {
                List<?> range = (List<?>) o;
                int port = ((Long) ((List<?>) range.get(2)).get(1)).intValue();
                for (int s = ((Long) range.get(0)).intValue(); s <= ((Long) range.get(1)).intValue(); s++) {
                    out[s] = port;
                }
            }
        }
        return out;
    }

    private static int slot(String key) {
        return JedisClusterCRC16.getSlot(KEYS.lock(key));
    }

    /** {@code perMaster} fresh lock keys (under {@code ns}) in the slots of each master. */
    private Map<Integer, List<String>> keysByMaster(String ns, int perMaster) {
        int[] owners = slotOwners();
        Map<Integer, List<String>> out = new LinkedHashMap<>();
        String base = ns + "-" + UUID.randomUUID().toString().substring(0, 8) + "/k";
        for (int i = 0; out.size() < 3 || out.values().stream().anyMatch(l -> l.size() < perMaster); i++) {
            String key = base + i;
            List<String> l = out.computeIfAbsent(owners[slot(key)], p -> new ArrayList<>());
            if (l.size() < perMaster) {
                l.add(key);
            }
        }
        return out;
    }

    private String uri() {
        StringBuilder hosts = new StringBuilder();
        for (int port : masterPorts) {
            hosts.append(hosts.isEmpty() ? "" : ",").append("127.0.0.1:").append(port);
        }
        return "redis://" + hosts + "?replicaAcks=1&replicaAckTimeout=1s";
    }

    private RedisBackend open() {
        return (RedisBackend) new RedisBackendProvider().open(URI.create(uri()), RedisTestSupport.context());
    }

    @Test
    void grantsOnEveryMasterAreAcknowledgedByItsReplica() {
        Map<Integer, List<String>> keys = keysByMaster("acked", 2);
        assertThat(keys).hasSize(3);
        try (RedisBackend b = open()) {
            for (Map.Entry<Integer, List<String>> e : keys.entrySet()) {
                String lockKey = e.getValue().get(0);
                AcquireResult lock = new SpiOps(b).tryAcquire(lockKey, "o", TTL);
                assertThat(lock.isAcquired()).as("lock on master " + e.getKey()).isTrue();
                assertThat(lock.fencingToken()).isPositive();
                try (Jedis r = replicaOf.get(e.getKey()).client()) {
                    r.readonly();
                    assertThat(r.get(new String(KEYS.lock(lockKey), StandardCharsets.UTF_8)))
                            .isEqualTo(lock.fencingToken() + "|o");
                }
                assertThat(new SpiOps(b).tryAcquire(lockKey, "other", TTL).isAcquired())
                        .isFalse();

                String permitKey = e.getValue().get(1);
                AcquireResult permit = new SpiOps(b).tryAcquirePermit(permitKey, "p", 2, TTL);
                assertThat(permit.isAcquired())
                        .as("permit on master " + e.getKey())
                        .isTrue();
                assertThat(permit.fencingToken()).isPositive();
                assertThat(new SpiOps(b)
                                .tryAcquirePermit(permitKey, "q", 2, TTL)
                                .isAcquired())
                        .isTrue();
                assertThat(new SpiOps(b)
                                .tryAcquirePermit(permitKey, "r", 2, TTL)
                                .isAcquired())
                        .isFalse();
                assertThat(new SpiOps(b)
                                .inspectSemaphore(permitKey)
                                .orElseThrow()
                                .holders())
                        .hasSize(2);
                assertThat(new SpiOps(b).release(lockKey, "o")).isTrue();
                assertThat(new SpiOps(b).releasePermit(permitKey, "p")).isTrue();
                assertThat(new SpiOps(b).releasePermit(permitKey, "q")).isTrue();
            }
        }
    }

    @Test
    void grantOnAMasterWhoseReplicaIsFrozenIsUndone() throws Exception {
        Map<Integer, List<String>> keys = keysByMaster("frozen", 2);
        int frozenMaster = masterPorts.get(0);
        int otherMaster = masterPorts.get(1);
        RedisServer replica = replicaOf.get(frozenMaster);
        try (RedisBackend b = open()) {
            replica.freeze();
            try {
                String lockKey = keys.get(frozenMaster).get(0);
                assertThatThrownBy(() -> new SpiOps(b).tryAcquire(lockKey, "o", TTL))
                        .isInstanceOf(BackendException.class)
                        .hasMessageContaining("0 of 1 replicas")
                        .hasMessageContaining("undone");
                assertThat(new SpiOps(b).inspect(lockKey)).isEmpty();

                String permitKey = keys.get(frozenMaster).get(1);
                assertThatThrownBy(() -> new SpiOps(b).tryAcquirePermit(permitKey, "o", 3, TTL))
                        .isInstanceOf(BackendException.class)
                        .hasMessageContaining("0 of 1 replicas");
                assertThat(new SpiOps(b).inspectSemaphore(permitKey)).isEmpty();

                // the other masters' replicas are not frozen: their grants go on
                String elsewhere = keys.get(otherMaster).get(0);
                assertThat(new SpiOps(b).tryAcquire(elsewhere, "o", TTL).isAcquired())
                        .isTrue();
                assertThat(new SpiOps(b).release(elsewhere, "o")).isTrue();
            } finally {
                replica.thaw();
                awaitReplicaAcks(frozenMaster);
            }
            String lockKey = keys.get(frozenMaster).get(0);
            assertThat(new SpiOps(b).tryAcquire(lockKey, "o", TTL).isAcquired()).isTrue();
            assertThat(new SpiOps(b).release(lockKey, "o")).isTrue();
        }
    }

    @Test
    void grantFollowsASlotThatMovedAfterTheClientLearnedTheSlotMap() throws Exception {
        int from = masterPorts.get(2);
        int to = masterPorts.get(1);
        String key = keysByMaster("moved", 1).get(from).get(0);
        int slot = slot(key);
        try (RedisBackend b = open()) {
            moveEmptySlot(slot, from, to); // the backend's client still maps the slot to `from`
            try {
                AcquireResult res = new SpiOps(b).tryAcquire(key, "o", TTL);
                assertThat(res.isAcquired()).isTrue();
                try (Jedis m = new Jedis("127.0.0.1", to)) {
                    assertThat(m.get(new String(KEYS.lock(key), StandardCharsets.UTF_8)))
                            .isEqualTo(res.fencingToken() + "|o");
                }
                assertThat(new SpiOps(b).release(key, "o")).isTrue();
            } finally {
                try (Jedis m = new Jedis("127.0.0.1", to)) {
                    for (String k : m.clusterGetKeysInSlot(slot, 100)) {
                        m.del(k); // the key's fencing counter outlives the lock
                    }
                }
                moveEmptySlot(slot, to, from);
            }
        }
    }

    /** Gives an empty slot to another master: the new owner first (it bumps its epoch), then the rest. */
    private void moveEmptySlot(int slot, int from, int to) throws InterruptedException {
        String target;
        try (Jedis t = new Jedis("127.0.0.1", to)) {
            target = t.clusterMyId();
            t.clusterSetSlotNode(slot, target);
        }
        try (Jedis f = new Jedis("127.0.0.1", from)) {
            f.clusterSetSlotNode(slot, target);
        }
        for (int port : masterPorts) {
            if (port != from && port != to) {
                try (Jedis o = new Jedis("127.0.0.1", port)) {
                    o.clusterSetSlotNode(slot, target);
                }
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (slotOwners()[slot] != to) {
            assertThat(System.nanoTime()).as("slot " + slot + " moved").isLessThan(deadline);
            Thread.sleep(20); // polling the slot map with a deadline
        }
    }
}
