package dev.locksmith.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

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

    private static final String SERVER_NOW = """
            local function server_now()
              local t = redis.call('TIME')
              return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            end
            """;

    /**
     * The wait queue of a key: a sorted set of waiting owners ({@code <tag>:<owner>}, the tag naming
     * the waiting client) scored by the server time their entry lapses (the holder's remaining
     * lease plus a slack); {@code ''} stands for watchers. A failed queued attempt adds or refreshes
     * its owner, a grant removes it, a release names the first live one (see {@link #notifyNext}).
     */
    private static final String QUEUE = SERVER_NOW + """
            local function enqueue(q, member, ms)
              local exp = server_now() + ms
              local s = redis.call('ZSCORE', q, member)
              if not s or tonumber(s) < exp then redis.call('ZADD', q, string.format('%d', exp), member) end
              if redis.call('PTTL', q) < ms then redis.call('PEXPIRE', q, string.format('%d', ms)) end
            end
            """;

    /**
     * {@code notify_next(q, channel, payload, turn, window)}: takes the first live owner out and
     * publishes {@code "<payload>\n<owner>"} with {@code command} ({@code PUBLISH} or {@code
     * SPUBLISH}) on its client's {@code <channel>:<tag>}, or on {@code channel} when watchers wait
     * too; {@code "<payload>\n"} (anyone may try) when only watchers wait; nothing when nobody
     * does. With a {@code turn} key and a window above 0, reserves the lock for the named owner.
     */
    private static String notifyNext(String command) {
        return """
                local function notify_next(q, channel, payload, turn, window)
                  if redis.call('EXISTS', q) == 0 then return end
                  redis.call('ZREMRANGEBYSCORE', q, '-inf', string.format('%d', server_now()))
                  local watched = redis.call('ZSCORE', q, '')
                  local nxt = nil
                  for _, m in ipairs(redis.call('ZRANGE', q, 0, 1)) do
                    if m ~= '' then
                      nxt = m
                      break
                    end
                  end
                  if nxt then
                    redis.call('ZREM', q, nxt)
                    if turn and window ~= '0' then redis.call('SET', turn, nxt, 'PX', window) end
                    local i = string.find(nxt, ':', 1, true)
                    local tag, owner = string.sub(nxt, 1, i - 1), string.sub(nxt, i + 1)
                    if not watched then
                      redis.call('PUBLISH_COMMAND', channel .. ':' .. tag, payload .. '\\n' .. owner)
                    else
                      redis.call('PUBLISH_COMMAND', channel, payload .. '\\n' .. owner)
                    end
                  elseif watched then
                    redis.call('PUBLISH_COMMAND', channel, payload .. '\\n')
                  end
                end
                """.replace("PUBLISH_COMMAND", command);
    }

    private static final String PERMIT_HELPERS = """
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

    /**
     * KEYS lock, fence, lq, turn; ARGV owner, ttlMs, queueSlackMs, queue ('1' to queue on
     * failure), client tag. Returns {1, token} or {0, holder, pttl}. While the lock is free but
     * reserved ({@code turn}, set by a release for the waiter it named, for the hand-off window),
     * only that waiter gets it; anyone else is told the reserved waiter as holder and the
     * reservation's remaining time.
     */
    static final Script ACQUIRE = Script.of("acquire", OWNER_OF + QUEUE + """
            local v = redis.call('GET', KEYS[1])
            if v then
              local owner, token = owner_of(v)
              if owner == ARGV[1] then
                redis.call('PEXPIRE', KEYS[1], ARGV[2])
                return {1, token}
              end
              local pttl = redis.call('PTTL', KEYS[1])
              if ARGV[4] == '1' then
                enqueue(KEYS[3], ARGV[5] .. ':' .. ARGV[1], math.max(pttl, 0) + tonumber(ARGV[3]))
              end
              return {0, owner, pttl}
            end
            local member = ARGV[5] .. ':' .. ARGV[1]
            local turn = redis.call('GET', KEYS[4])
            if turn then
              if turn ~= member then
                local left = redis.call('PTTL', KEYS[4])
                if ARGV[4] == '1' then enqueue(KEYS[3], member, math.max(left, 0) + tonumber(ARGV[3])) end
                return {0, string.sub(turn, string.find(turn, ':', 1, true) + 1), left}
              end
              redis.call('DEL', KEYS[4])
            end
            local t = string.format('%d', redis.call('INCR', KEYS[2]))
            redis.call('SET', KEYS[1], t .. '|' .. ARGV[1], 'PX', ARGV[2])
            redis.call('ZREM', KEYS[3], member)
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

    /**
     * KEYS lock, lq; ARGV watch ('1' to have the next release published), queueSlackMs. Returns
     * {value, pttl} or {}.
     */
    static final Script INSPECT = Script.of("inspect", QUEUE + """
            local v = redis.call('GET', KEYS[1])
            if not v then return {} end
            local pttl = redis.call('PTTL', KEYS[1])
            if ARGV[1] == '1' then enqueue(KEYS[2], '', math.max(pttl, 0) + tonumber(ARGV[2])) end
            return {v, pttl}
            """);

    /**
     * KEYS permits, ptok, fence, pq; ARGV owner, maxPermits, ttlMs, queueSlackMs, queue ('1' to
     * queue on failure), client tag. Returns {1, token} or {0, earliestRemainingMs}.
     */
    static final Script ACQUIRE_PERMIT = Script.of("acquirePermit", QUEUE + PERMIT_HELPERS + """
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
              redis.call('ZREM', KEYS[4], ARGV[6] .. ':' .. ARGV[1])
              return {1, t}
            end
            local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
            local rem = math.max(tonumber(first[2]) - now, 0)
            if ARGV[5] == '1' then enqueue(KEYS[4], ARGV[6] .. ':' .. ARGV[1], rem + tonumber(ARGV[4])) end
            return {0, rem}
            """);

    /** KEYS permits, ptok; ARGV owner, ttlMs. Returns 1 if renewed. */
    static final Script EXTEND_PERMIT = Script.of("extendPermit", SERVER_NOW + PERMIT_HELPERS + """
            local now = server_now()
            prune(KEYS[1], KEYS[2], now)
            if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
              redis.call('ZADD', KEYS[1], string.format('%d', now + tonumber(ARGV[2])), ARGV[1])
              keep(KEYS[1], KEYS[2], now)
              return 1
            end
            return 0
            """);

    /** KEYS permits, ptok. Returns {max, owner1, remaining1, token1, ...} or {} when none live. */
    static final Script INSPECT_PERMITS = Script.of("inspectPermits", SERVER_NOW + PERMIT_HELPERS + """
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
    static final Script EXTEND_ALL = Script.of("extendAll", OWNER_OF + SERVER_NOW + PERMIT_HELPERS + """
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
     * The three scripts that publish releases, all with one publish command: {@link #CLASSIC}
     * ({@code PUBLISH} on the one shared channel) or {@link #SHARDED} ({@code SPUBLISH} on the key's
     * shard channel, Redis 7.0 and later). Every client of one deployment must use the same kind,
     * or their waiters do not hear each other's releases.
     *
     * @param release KEYS lock, lq, turn; ARGV owner, channel, payload, handOffWindowMs ('0':
     *     none). Publishes only while someone waits; reserves the lock for the waiter it names.
     * @param releasePermit KEYS permits, ptok, pq; ARGV owner, channel, payload.
     * @param forceRelease KEYS lock, permits, ptok, lq, pq, turn; ARGV channel, lockPayload,
     *     permitPayload. Returns {lock value or '', lock pttl, owner1, remaining1, token1, ...}.
     *     Names no waiter: several permits may be freed at once, so every client lets one of its
     *     waiters try.
     */
    record Publishing(Script release, Script releasePermit, Script forceRelease) {
        private static Publishing with(String command) {
            return new Publishing(
                    Script.of("release", OWNER_OF + SERVER_NOW + notifyNext(command) + """
                            local v = redis.call('GET', KEYS[1])
                            if v and owner_of(v) == ARGV[1] then
                              redis.call('DEL', KEYS[1])
                              notify_next(KEYS[2], ARGV[2], ARGV[3], KEYS[3], ARGV[4])
                              return 1
                            end
                            return 0
                            """),
                    Script.of("releasePermit", SERVER_NOW + PERMIT_HELPERS + notifyNext(command) + """
                            local now = server_now()
                            prune(KEYS[1], KEYS[2], now)
                            if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then
                              redis.call('HDEL', KEYS[2], 't:' .. ARGV[1])
                              keep(KEYS[1], KEYS[2], now)
                              notify_next(KEYS[3], ARGV[2], ARGV[3], nil, '0')
                              return 1
                            end
                            return 0
                            """),
                    Script.of("forceRelease", SERVER_NOW + PERMIT_HELPERS + """
                            local function publish_if_waited(q, channel, payload)
                              if redis.call('EXISTS', q) == 1 then
                                redis.call('PUBLISH_COMMAND', channel, payload .. '\\n')
                              end
                            end
                            local now = server_now()
                            local v = redis.call('GET', KEYS[1])
                            local out = {v or '', v and redis.call('PTTL', KEYS[1]) or 0}
                            local live = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. string.format('%d', now), '+inf', 'WITHSCORES')
                            for i = 1, #live, 2 do
                              out[#out + 1] = live[i]
                              out[#out + 1] = string.format('%d', tonumber(live[i + 1]) - now)
                              out[#out + 1] = redis.call('HGET', KEYS[3], 't:' .. live[i]) or '0'
                            end
                            redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[6])
                            publish_if_waited(KEYS[4], ARGV[1], ARGV[2])
                            publish_if_waited(KEYS[5], ARGV[1], ARGV[3])
                            return out
                            """.replace("PUBLISH_COMMAND", command)));
        }
    }

    /**
     * Releases published with {@code PUBLISH} on the one channel {@code <prefix>release}, and a
     * release that names a waiter on that waiter's client's own channel {@code
     * <prefix>release:<tag>}.
     */
    static final Publishing CLASSIC = Publishing.with("PUBLISH");

    /**
     * Releases published with {@code SPUBLISH} on the key's own channel {@code <prefix>{key}:rel},
     * and a release that names a waiter on that waiter's client's channel for the key, {@code
     * <prefix>{key}:rel:<tag>} (same hash tag, so the same slot).
     */
    static final Publishing SHARDED = Publishing.with("SPUBLISH");

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
            return HexFormat.of().formatHex(d).getBytes(StandardCharsets.US_ASCII);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every Java platform", e);
        }
    }
}
