package dev.locksmith.bench.drivers;

import java.net.URI;

/** Host and port of the Redis server, parsed from a {@code redis://host:port} URI. */
public record RedisTarget(String host, int port) {

    public static RedisTarget parse(String uri) {
        URI u = URI.create(uri);
        if (!"redis".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
            throw new IllegalArgumentException("redis uri must look like redis://host:port, was '" + uri + "'");
        }
        return new RedisTarget(u.getHost(), u.getPort() < 0 ? 6379 : u.getPort());
    }

    public String uri() {
        return "redis://" + host + ":" + port;
    }
}
