package dev.locksmith.mongo;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The data layout: one document per key in {@code <prefix>locks} holds the key's lock, its
 * permits, its fencing counter and its guarded value, so that every operation is one atomic
 * single-document write (MongoDB has no multi-document atomicity without transactions). Expiry
 * is judged by the server clock: {@code $$NOW} in an {@code $expr} filter, {@code $currentDate}
 * in the update. No update pipelines. The document is never deleted by Locksmith (only by the
 * opt-in TTL index), so the counter never goes back.
 *
 * <pre>
 * { _id: key,
 *   n:   fencing counter, the last token handed out (lock or permit),
 *   o:   lock owner (absent when free), at: lock renewed at (server time), ttl: lock lease in ms,
 *   t:   the lock's token when a permit grant moved n while the lock was held (else the lock's token is n),
 *   pm:  permit limit of the latest permit grant,
 *   ps:  { escaped owner: { o: owner, t: token, at: renewed at, ttl: ms } },
 *   sv:  guarded value, st: its token, sat: written at, sttl: its lifetime in ms (absent: for ever),
 *   rl, rp: lock and permit release counters (a change stream watches them), u: last write }
 * </pre>
 */
final class KeyDocument {
    static final String ID = "_id";
    static final String FENCE = "n";
    static final String LOCK_TOKEN = "t";
    static final String OWNER = "o";
    static final String RENEWED = "at";
    static final String TTL = "ttl";
    static final String MAX_PERMITS = "pm";
    static final String PERMITS = "ps";
    static final String VALUE = "sv";
    static final String VALUE_TOKEN = "st";
    static final String VALUE_WRITTEN = "sat";
    static final String VALUE_TTL = "sttl";
    static final String LOCK_RELEASES = "rl";
    static final String PERMIT_RELEASES = "rp";
    static final String TOUCHED = "u";
    /** The server time, added by snapshot reads. */
    static final String NOW = "now";

    /** Where a released lock's lease starts: long past, whatever the server clock says. */
    private static final Date EPOCH = new Date(0);

    private KeyDocument() {}

    /**
     * {@code owner} as a field name of {@code ps}: {@code %}, {@code .} and {@code $} escaped as
     * {@code %25}, {@code %2E} and {@code %24} (a dot would be read as a path, a leading dollar as
     * an operator); every other character is kept.
     */
    static String field(String owner) {
        StringBuilder b = null;
        for (int i = 0; i < owner.length(); i++) {
            char c = owner.charAt(i);
            String esc = c == '%' ? "%25" : c == '.' ? "%2E" : c == '$' ? "%24" : null;
            if (esc != null && b == null) {
                b = new StringBuilder(owner.length() + 8).append(owner, 0, i);
            }
            if (b != null) {
                if (esc != null) {
                    b.append(esc);
                } else {
                    b.append(c);
                }
            }
        }
        return b == null ? owner : b.toString();
    }

    private static String permit(String owner, String field) {
        return PERMITS + "." + field(owner) + "." + field;
    }

    // ---- filters

    static Bson key(String key) {
        return Filters.eq(ID, key);
    }

    /** {@code renewedAt + ttl} against {@code $$NOW}; a missing field makes the sum null, which is "not live". */
    private static Bson expiry(String op, String renewedPath, String ttlPath) {
        return Filters.expr(
                new Document(op, List.of(new Document("$add", List.of("$" + renewedPath, "$" + ttlPath)), "$$NOW")));
    }

    /** The key's lock is free (never held, released or expired) by the server clock. */
    static Bson lockFree(String key) {
        return Filters.and(key(key), expiry("$lte", RENEWED, TTL));
    }

    /** {@code owner} holds the key's lock now, by the server clock. */
    static Bson lockHeldBy(String key, String owner) {
        return Filters.and(key(key), Filters.eq(OWNER, owner), expiry("$gt", RENEWED, TTL));
    }

    /** {@code owner} holds the key's lock now with {@code token}. */
    static Bson lockHeldWith(String key, String owner, long token) {
        Document tokenIs =
                new Document("$eq", List.of(new Document("$ifNull", List.of("$" + LOCK_TOKEN, "$" + FENCE)), token));
        return Filters.and(lockHeldBy(key, owner), Filters.expr(tokenIs));
    }

    /** {@code owner} holds a live permit of the key. */
    static Bson permitHeldBy(String key, String owner) {
        return Filters.and(key(key), expiry("$gt", permit(owner, RENEWED), permit(owner, TTL)));
    }

    /** {@code owner} holds a live permit of the key with {@code token}. */
    static Bson permitHeldWith(String key, String owner, long token) {
        return Filters.and(permitHeldBy(key, owner), Filters.eq(permit(owner, LOCK_TOKEN), token));
    }

    /** No grant of the key since the counter read {@code fence} (0: the document does not exist yet). */
    static Bson unchangedSince(String key, long fence) {
        return Filters.and(key(key), Filters.eq(FENCE, fence));
    }

    // ---- updates

    /** A new lock grant: the counter moves on and is the token. */
    static Bson grantLock(String owner, long ttlMillis) {
        return Updates.combine(
                Updates.inc(FENCE, 1L),
                Updates.unset(LOCK_TOKEN),
                Updates.set(OWNER, owner),
                Updates.set(TTL, ttlMillis),
                Updates.currentDate(RENEWED),
                Updates.currentDate(TOUCHED));
    }

    static Bson renewLock(long ttlMillis) {
        return Updates.combine(Updates.set(TTL, ttlMillis), Updates.currentDate(RENEWED), Updates.currentDate(TOUCHED));
    }

    static Bson releaseLock() {
        return Updates.combine(
                Updates.unset(OWNER),
                Updates.unset(LOCK_TOKEN),
                Updates.set(RENEWED, EPOCH),
                Updates.set(TTL, 0L),
                Updates.inc(LOCK_RELEASES, 1L),
                Updates.currentDate(TOUCHED));
    }

    /**
     * A new permit grant with token {@code fence + 1}; drops the permits of {@code expired} owners
     * and keeps the held lock's token ({@code lockToken}, or {@code null} when the lock is free).
     */
    static Bson grantPermit(
            String owner, long fence, int maxPermits, long ttlMillis, List<String> expired, Long lockToken) {
        List<Bson> u = new ArrayList<>();
        long token = fence + 1;
        u.add(Updates.set(FENCE, token));
        u.add(Updates.set(MAX_PERMITS, maxPermits));
        u.add(Updates.set(permit(owner, OWNER), owner));
        u.add(Updates.set(permit(owner, LOCK_TOKEN), token));
        u.add(Updates.set(permit(owner, TTL), ttlMillis));
        u.add(Updates.currentDate(permit(owner, RENEWED)));
        u.add(Updates.currentDate(TOUCHED));
        if (lockToken != null) {
            u.add(Updates.set(LOCK_TOKEN, lockToken));
        }
        for (String other : expired) {
            if (!other.equals(owner)) {
                u.add(Updates.unset(PERMITS + "." + field(other)));
            }
        }
        return Updates.combine(u);
    }

    static Bson renewPermit(String owner, long ttlMillis) {
        return Updates.combine(
                Updates.set(permit(owner, TTL), ttlMillis),
                Updates.currentDate(permit(owner, RENEWED)),
                Updates.currentDate(TOUCHED));
    }

    static Bson releasePermit(String owner) {
        return Updates.combine(
                Updates.unset(PERMITS + "." + field(owner)),
                Updates.inc(PERMIT_RELEASES, 1L),
                Updates.currentDate(TOUCHED));
    }

    /** Removes the lock and every permit; the counter and the guarded value stay. */
    static Bson forceRelease() {
        return Updates.combine(
                Updates.unset(OWNER),
                Updates.unset(LOCK_TOKEN),
                Updates.unset(PERMITS),
                Updates.set(RENEWED, EPOCH),
                Updates.set(TTL, 0L),
                Updates.inc(LOCK_RELEASES, 1L),
                Updates.inc(PERMIT_RELEASES, 1L),
                Updates.currentDate(TOUCHED));
    }

    static Bson writeValue(byte[] value, long token, Long ttlMillis) {
        return Updates.combine(
                Updates.set(VALUE, new org.bson.types.Binary(value)),
                Updates.set(VALUE_TOKEN, token),
                ttlMillis == null ? Updates.unset(VALUE_TTL) : Updates.set(VALUE_TTL, ttlMillis),
                Updates.currentDate(VALUE_WRITTEN),
                Updates.currentDate(TOUCHED));
    }

    // ---- reads

    /** The fields of a snapshot, and the server time as {@value #NOW}. */
    static Document projection(boolean withValue) {
        Document p = new Document(FENCE, 1)
                .append(LOCK_TOKEN, 1)
                .append(OWNER, 1)
                .append(RENEWED, 1)
                .append(TTL, 1)
                .append(MAX_PERMITS, 1)
                .append(PERMITS, 1);
        if (withValue) {
            p.append(VALUE, 1).append(VALUE_TOKEN, 1).append(VALUE_WRITTEN, 1).append(VALUE_TTL, 1);
        }
        return p.append(NOW, "$$NOW");
    }

    /** An anchored regular expression matching keys that start with {@code prefix}. */
    static String prefixRegex(String prefix) {
        StringBuilder b = new StringBuilder("^");
        for (int i = 0; i < prefix.length(); i++) {
            char c = prefix.charAt(i);
            if ("\\^$.|?*+()[]{}".indexOf(c) >= 0) {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }
}
