package dev.locksmith.mongo;

import static dev.locksmith.mongo.KeyDocument.FENCE;
import static dev.locksmith.mongo.KeyDocument.LOCK_TOKEN;
import static dev.locksmith.mongo.KeyDocument.MAX_PERMITS;
import static dev.locksmith.mongo.KeyDocument.NOW;
import static dev.locksmith.mongo.KeyDocument.OWNER;
import static dev.locksmith.mongo.KeyDocument.PERMITS;
import static dev.locksmith.mongo.KeyDocument.RENEWED;
import static dev.locksmith.mongo.KeyDocument.TTL;
import static dev.locksmith.mongo.KeyDocument.VALUE;
import static dev.locksmith.mongo.KeyDocument.VALUE_TOKEN;
import static dev.locksmith.mongo.KeyDocument.VALUE_TTL;
import static dev.locksmith.mongo.KeyDocument.VALUE_WRITTEN;

import dev.locksmith.LeaseKind;
import dev.locksmith.LockInfo;
import dev.locksmith.spi.Holders;
import dev.locksmith.spi.StoredState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bson.Document;
import org.bson.types.Binary;

/**
 * A key's document as one read saw it, with the server time of that read: every remaining lease
 * is the difference of two server times, never a comparison with the client's clock.
 */
final class Snapshot {
    /** A permit as stored: {@code field} is its escaped owner, the name of its entry. */
    record Permit(String field, String owner, long token, long expiresAt) {}

    static final Snapshot ABSENT = new Snapshot(null);

    private final String key;
    private final long fence;
    private final long now;
    private final String owner;
    private final long lockToken;
    private final long lockExpiresAt;
    private final int maxPermits;
    private final List<Permit> permits = new ArrayList<>();
    private final Document doc;

    Snapshot(Document doc) {
        this.doc = doc;
        if (doc == null) {
            key = null;
            fence = 0;
            now = 0;
            owner = null;
            lockToken = 0;
            lockExpiresAt = Long.MIN_VALUE;
            maxPermits = 0;
            return;
        }
        key = doc.get("_id").toString();
        fence = number(doc.get(FENCE));
        now = doc.getDate(NOW).getTime();
        owner = doc.getString(OWNER);
        Object t = doc.get(LOCK_TOKEN);
        lockToken = t == null ? fence : number(t);
        lockExpiresAt = expiry(doc.getDate(RENEWED), doc.get(TTL));
        maxPermits = (int) number(doc.get(MAX_PERMITS));
        Document ps = doc.get(PERMITS, Document.class);
        if (ps != null) {
            for (Map.Entry<String, Object> e : ps.entrySet()) {
                if (e.getValue() instanceof Document p && p.getString(OWNER) != null) {
                    permits.add(new Permit(
                            e.getKey(),
                            p.getString(OWNER),
                            number(p.get(LOCK_TOKEN)),
                            expiry(p.getDate(RENEWED), p.get(TTL))));
                }
            }
        }
    }

    private static long number(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }

    private static long expiry(Date renewed, Object ttl) {
        if (renewed == null || !(ttl instanceof Number n)) {
            return Long.MIN_VALUE;
        }
        return renewed.getTime() + n.longValue();
    }

    boolean exists() {
        return doc != null;
    }

    /** The counter: the last token handed out for this key, 0 if none. */
    long fence() {
        return fence;
    }

    boolean lockLive() {
        return owner != null && lockExpiresAt > now;
    }

    String lockOwner() {
        return owner;
    }

    long lockToken() {
        return lockToken;
    }

    Duration lockRemaining() {
        return Duration.ofMillis(lockExpiresAt - now);
    }

    /** The live permits. */
    List<Permit> livePermits() {
        List<Permit> out = new ArrayList<>();
        for (Permit p : permits) {
            if (p.expiresAt > now) {
                out.add(p);
            }
        }
        return out;
    }

    /** The entry names of permits that have expired. */
    List<String> expiredPermitOwners() {
        List<String> out = new ArrayList<>();
        for (Permit p : permits) {
            if (p.expiresAt <= now) {
                out.add(p.owner);
            }
        }
        return out;
    }

    Duration remaining(Permit p) {
        return Duration.ofMillis(p.expiresAt - now);
    }

    /** The live grants of a kind. */
    Holders holders(LeaseKind kind) {
        if (kind == LeaseKind.LOCK) {
            return lockLive()
                    ? Holders.lock(new LockInfo(key, LeaseKind.LOCK, owner, lockToken, lockRemaining()))
                    : Holders.FREE;
        }
        List<LockInfo> out = new ArrayList<>();
        for (Permit p : livePermits()) {
            out.add(new LockInfo(key, LeaseKind.PERMIT, p.owner, p.token, remaining(p)));
        }
        return out.isEmpty() ? Holders.FREE : new Holders(maxPermits, out);
    }

    /** Every live grant of the key, the lock first. */
    List<LockInfo> grants() {
        List<LockInfo> out = new ArrayList<>(holders(LeaseKind.LOCK).grants());
        out.addAll(holders(LeaseKind.PERMIT).grants());
        return out;
    }

    /** The guarded value, if one was written and has not expired. */
    Optional<StoredState> value() {
        if (doc == null || !(doc.get(VALUE) instanceof Binary bytes)) {
            return Optional.empty();
        }
        Object ttl = doc.get(VALUE_TTL);
        if (ttl != null && expiry(doc.getDate(VALUE_WRITTEN), ttl) <= now) {
            return Optional.empty();
        }
        return Optional.of(new StoredState(bytes.getData(), number(doc.get(VALUE_TOKEN))));
    }
}
