package dev.locksmith.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The Lua scripts, one per atomic operation. A lock is a string {@code "<token>|<owner>"} with a
 * {@code PX} expiry; tokens come from {@code INCR} on the key's counter, formatted with {@code %d}
 * so that Lua's number formatting never changes them. Permits live in a sorted set scored by their
 * expiry in server milliseconds ({@code TIME}), pruned on every write.
 */
final class Scripts {

    /** A script's text and its SHA-1, run by EVALSHA with a fallback to EVAL on NOSCRIPT. */
    record Script(String name, byte[] body, byte[] sha) {
        static Script of(String name, String text) {
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            return new Script(name, body, sha1Hex(body));
        }
    }

    private Scripts() {}

    private static final String OWNER_OF = """
            local function owner_of(v)
              local i = string.find(v, '|', 1, true)
              return string.sub(v, i + 1), string.sub(v, 1, i - 1)
            end
            """;

    /**
     * Waiters: a set of the owners whose attempt failed, living as long as the holder's lease plus
     * a slack. A grant removes its owner; a release publishes while the set is not empty. Waiters
     * that gave up stay until the set expires, costing at most some needless notifications.
     */
    private static final String WAITERS = """
            local function wait_on(set, owner, ms)
              redis.call('SADD', set, owner)
              if redis.call('PTTL', set) < ms then
                redis.call('PEXPIRE', set, string.format('%d', ms))
              end
            end
            local function publish_if_waited(set, channel, payload)
              if redis.call('EXISTS', set) == 1 then
                redis.call('PUBLISH', channel, payload)
              end
            end
            """;

    private static final String PERMIT_HELPERS = """
            local function server_now()
              local t = redis.call('TIME')
              return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            end
            local function prune(z, h, now)
              local gone = redis.call('ZRANGEBYSCORE', z, '-inf', string.format('%d', now))
              if #gone > 0 then
                redis.call('ZREMRANGEBYSCORE', z, '-inf', string.format('%d', now))
                for _, m in ipairs(gone) do redis.call('HDEL', h, 't:' .. m) end
              end
            end
            -- both keys live exactly as long as the last permit, so an idle semaphore leaves nothing
            local function keep(z, h, now)
              local last = redis.call('ZRANGE', z, -1, -1, 'WITHSCORES')
              if #last == 0 then
                redis.call('DEL', z, h)
              else
                local ms = math.max(tonumber(last[2]) - now, 1)
                redis.call('PEXPIRE', z, string.format('%d', ms))
                redis.call('PEXPIRE', h, string.format('%d', ms))
              end
            end
            """;

    /** KEYS lock, fence, lwait; ARGV owner, ttlMs, waitMarkerMs. Returns {1, token} or {0, holder, pttl}. */
    static final Script ACQUIRE = Script.of("acquire", OWNER_OF + WAITERS + """
            local v = redis.call('GET', KEYS[1])
            if v then
              local owner, token = owner_of(v)
              if owner == ARGV[1] then
                redis.call('PEXPIRE', KEYS[1], ARGV[2])
                return {1, token}
              end
              local pttl = redis.call('PTTL', KEYS[1])
              wait_on(KEYS[3], ARGV[1], math.max(pttl, 0) + tonumber(ARGV[3]))
              return {0, owner, pttl}
            end
            local t = string.format('%d', redis.call('INCR', KEYS[2]))
            redis.call('SET', KEYS[1], t .. '|' .. ARGV[1], 'PX', ARGV[2])
            redis.call('SREM', KEYS[3], ARGV[1])
            return {1, t}
            """);

    /** KEYS lock; ARGV owner, ttlMs. Returns 1 if renewed. */
    static final Script EXTEND = Script.of("extend", OWNER_OF + """
            local v = redis.call('GET', KEYS[1])
            if v and owner_of(v) == ARGV[1] then
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
              return 1
            end
            return 0
            """);

    /** KEYS lock, lwait; ARGV owner, channel, payload. Publishes only while someone waits. */
    static final Script RELEASE = Script.of("release", OWNER_OF + WAITERS + """
            local v = redis.call('GET', KEYS[1])
            if v and owner_of(v) == ARGV[1] then
              redis.call('DEL', KEYS[1])
              publish_if_waited(KEYS[2], ARGV[2], ARGV[3])
              return 1
            end
            return 0
            """);

    /** KEYS lock. Returns {value, pttl} or {}. */
    static final Script INSPECT = Script.of("inspect", """
            local v = redis.call('GET', KEYS[1])
            if not v then return {} end
            return {v, redis.call('PTTL', KEYS[1])}
            """);

    /**
     * KEYS permits, ptok, fence, pwait; ARGV owner, maxPermits, ttlMs, waitMarkerMs. Returns {1,
     * token} or {0, earliestRemainingMs}.
     */
    static final Script ACQUIRE_PERMIT = Script.of("acquirePermit", PERMIT_HELPERS + WAITERS + """
            local now = server_now()
            prune(KEYS[1], KEYS[2], now)
            local exp = string.format('%d', now + tonumber(ARGV[3]))
            if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
              redis.call('ZADD', KEYS[1], exp, ARGV[1])
              redis.call('HSET', KEYS[2], 'max', ARGV[2])
              keep(KEYS[1], KEYS[2], now)
              return {1, redis.call('HGET', KEYS[2], 't:' .. ARGV[1])}
            end
            if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
              local t = string.format('%d', redis.call('INCR', KEYS[3]))
              redis.call('ZADD', KEYS[1], exp, ARGV[1])
              redis.call('HSET', KEYS[2], 't:' .. ARGV[1], t, 'max', ARGV[2])
              keep(KEYS[1], KEYS[2], now)
              redis.call('SREM', KEYS[4], ARGV[1])
              return {1, t}
            end
            local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
            local rem = math.max(tonumber(first[2]) - now, 0)
            wait_on(KEYS[4], ARGV[1], rem + tonumber(ARGV[4]))
            return {0, rem}
            """);

    /** KEYS permits, ptok; ARGV owner, ttlMs. Returns 1 if renewed. */
    static final Script EXTEND_PERMIT = Script.of("extendPermit", PERMIT_HELPERS + """
            local now = server_now()
            prune(KEYS[1], KEYS[2], now)
            if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
              redis.call('ZADD', KEYS[1], string.format('%d', now + tonumber(ARGV[2])), ARGV[1])
              keep(KEYS[1], KEYS[2], now)
              return 1
            end
            return 0
            """);

    /** KEYS permits, ptok, pwait; ARGV owner, channel, payload. */
    static final Script RELEASE_PERMIT = Script.of("releasePermit", PERMIT_HELPERS + WAITERS + """
            local now = server_now()
            prune(KEYS[1], KEYS[2], now)
            if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then
              redis.call('HDEL', KEYS[2], 't:' .. ARGV[1])
              keep(KEYS[1], KEYS[2], now)
              publish_if_waited(KEYS[3], ARGV[2], ARGV[3])
              return 1
            end
            return 0
            """);

    /** KEYS permits, ptok. Returns {max, owner1, remaining1, token1, ...} or {} when none live. */
    static final Script INSPECT_PERMITS = Script.of("inspectPermits", PERMIT_HELPERS + """
            local now = server_now()
            local live = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. string.format('%d', now), '+inf', 'WITHSCORES')
            if #live == 0 then return {} end
            local out = {redis.call('HGET', KEYS[2], 'max') or '0'}
            for i = 1, #live, 2 do
              out[#out + 1] = live[i]
              out[#out + 1] = string.format('%d', tonumber(live[i + 1]) - now)
              out[#out + 1] = redis.call('HGET', KEYS[2], 't:' .. live[i]) or '0'
            end
            return out
            """);

    /**
     * KEYS: per lease, the lock key (kind L) or the permits and ptok keys (kind P); ARGV: per lease
     * kind, owner, ttlMs. Returns one 0/1 per lease.
     */
    static final Script EXTEND_ALL = Script.of("extendAll", OWNER_OF + PERMIT_HELPERS + """
            local out = {}
            local k = 1
            local now = nil
            for i = 1, #ARGV, 3 do
              local owner, ttl = ARGV[i + 1], ARGV[i + 2]
              if ARGV[i] == 'L' then
                local v = redis.call('GET', KEYS[k])
                if v and owner_of(v) == owner then
                  redis.call('PEXPIRE', KEYS[k], ttl)
                  out[#out + 1] = 1
                else
                  out[#out + 1] = 0
                end
                k = k + 1
              else
                if not now then now = server_now() end
                local z, h = KEYS[k], KEYS[k + 1]
                local s = redis.call('ZSCORE', z, owner)
                if s and tonumber(s) > now then
                  redis.call('ZADD', z, string.format('%d', now + tonumber(ttl)), owner)
                  keep(z, h, now)
                  out[#out + 1] = 1
                else
                  out[#out + 1] = 0
                end
                k = k + 2
              end
            end
            return out
            """);

    /**
     * KEYS lock, permits, ptok, lwait, pwait; ARGV channel, lockPayload, permitPayload. Returns {lock
     * value or '', lock pttl, owner1, remaining1, token1, ...}.
     */
    static final Script FORCE_RELEASE = Script.of("forceRelease", PERMIT_HELPERS + WAITERS + """
            local now = server_now()
            local v = redis.call('GET', KEYS[1])
            local out = {v or '', v and redis.call('PTTL', KEYS[1]) or 0}
            local live = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. string.format('%d', now), '+inf', 'WITHSCORES')
            for i = 1, #live, 2 do
              out[#out + 1] = live[i]
              out[#out + 1] = string.format('%d', tonumber(live[i + 1]) - now)
              out[#out + 1] = redis.call('HGET', KEYS[3], 't:' .. live[i]) or '0'
            end
            redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
            publish_if_waited(KEYS[4], ARGV[1], ARGV[2])
            publish_if_waited(KEYS[5], ARGV[1], ARGV[3])
            return out
            """);

    /**
     * KEYS lock, fence, state; ARGV owner, token, value, valueTtlMs or ''. Returns 1 written, 2
     * stale token, 0 not held.
     */
    static final Script WRITE_STATE = Script.of("writeState", """
            if redis.call('GET', KEYS[1]) == ARGV[2] .. '|' .. ARGV[1] then
              redis.call('HSET', KEYS[3], 'v', ARGV[3], 't', ARGV[2])
              if ARGV[4] == '' then
                redis.call('PERSIST', KEYS[3])
              else
                redis.call('PEXPIRE', KEYS[3], ARGV[4])
              end
              return 1
            end
            local f = tonumber(redis.call('GET', KEYS[2]) or '0')
            local st = tonumber(redis.call('HGET', KEYS[3], 't') or '0')
            if f > tonumber(ARGV[2]) or st > tonumber(ARGV[2]) then return 2 end
            return 0
            """);

    static byte[] sha1Hex(byte[] body) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-1").digest(body);
            StringBuilder b = new StringBuilder(40);
            for (byte x : d) {
                b.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
            }
            return b.toString().getBytes(StandardCharsets.US_ASCII);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every Java platform", e);
        }
    }
}
