package dev.locksmith.nats;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The value of a record key: the grants of one kind and key, the highest token granted, and (for
 * locks) the guarded value. One UTF-8 text, one line per item; owners never hold control
 * characters, so tabs and newlines separate safely:
 *
 * <pre>
 * R|-                          whether the write that stored it released a grant
 * max &lt;maxPermits&gt;
 * fence &lt;highest token granted&gt;   (0: none yet)
 * g &lt;owner&gt;\t&lt;grant id&gt;\t&lt;lease ms&gt;\t&lt;token&gt;   one per grant; token 0 = this entry's revision
 * v &lt;token&gt;\t&lt;value id or -&gt;\t&lt;value ttl ms&gt;\t&lt;base64&gt;   the guarded value
 * </pre>
 *
 * A token of 0 stands for the revision of the entry that holds it (the grant's own write, whose
 * revision is not known until it is stored); {@link #resolved(long)} replaces it before a rewrite.
 */
final class GrantRecord {

    /** One grant: its owner, the id of its liveness key, the lease length bucket and its token. */
    record Grant(String owner, String id, long leaseMillis, long token) {
        long token(long revision) {
            return token == 0 ? revision : token;
        }
    }

    /** A guarded value; {@code id} names its liveness key when it has a TTL. */
    record Value(long token, String id, long ttlMillis, byte[] bytes) {}

    static final GrantRecord EMPTY = new GrantRecord(false, 0, 0, List.of(), null);

    final boolean released;
    final int maxPermits;
    final long fence;
    final List<Grant> grants;
    final Value value;

    GrantRecord(boolean released, int maxPermits, long fence, List<Grant> grants, Value value) {
        this.released = released;
        this.maxPermits = maxPermits;
        this.fence = fence;
        this.grants = List.copyOf(grants);
        this.value = value;
    }

    /** The record with every placeholder token replaced by {@code revision}, the entry's own. */
    GrantRecord resolved(long revision) {
        List<Grant> out = new ArrayList<>(grants.size());
        long f = fence;
        for (Grant g : grants) {
            long t = g.token(revision);
            out.add(new Grant(g.owner, g.id, g.leaseMillis, t));
            f = Math.max(f, t);
        }
        return new GrantRecord(false, maxPermits, f, out, value);
    }

    /** The highest token granted so far, given the entry's revision. */
    long fence(long revision) {
        long f = fence;
        for (Grant g : grants) {
            f = Math.max(f, g.token(revision));
        }
        return f;
    }

    GrantRecord with(boolean releasedFlag, int max, List<Grant> newGrants, Value newValue) {
        return new GrantRecord(releasedFlag, max, fence, newGrants, newValue);
    }

    byte[] encode() {
        StringBuilder b = new StringBuilder(64);
        b.append(released ? 'R' : '-').append('\n');
        b.append("max ").append(maxPermits).append('\n');
        b.append("fence ").append(fence).append('\n');
        for (Grant g : grants) {
            b.append("g ")
                    .append(g.owner)
                    .append('\t')
                    .append(g.id)
                    .append('\t')
                    .append(g.leaseMillis)
                    .append('\t')
                    .append(g.token)
                    .append('\n');
        }
        if (value != null) {
            b.append("v ")
                    .append(value.token)
                    .append('\t')
                    .append(value.id == null ? "-" : value.id)
                    .append('\t')
                    .append(value.ttlMillis)
                    .append('\t')
                    .append(Base64.getEncoder().encodeToString(value.bytes))
                    .append('\n');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Whether a stored value says that its write released a grant (cheap: the first byte). */
    static boolean releasedFlag(byte[] stored) {
        return stored != null && stored.length > 0 && stored[0] == 'R';
    }

    static GrantRecord decode(byte[] stored) {
        if (stored == null || stored.length == 0) {
            return EMPTY;
        }
        String[] lines = new String(stored, StandardCharsets.UTF_8).split("\n");
        boolean released = lines[0].equals("R");
        int max = 0;
        long fence = 0;
        List<Grant> grants = new ArrayList<>();
        Value value = null;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.startsWith("max ")) {
                max = Integer.parseInt(line.substring(4));
            } else if (line.startsWith("fence ")) {
                fence = Long.parseLong(line.substring(6));
            } else if (line.startsWith("g ")) {
                String[] f = line.substring(2).split("\t", -1);
                grants.add(new Grant(f[0], f[1], Long.parseLong(f[2]), Long.parseLong(f[3])));
            } else if (line.startsWith("v ")) {
                String[] f = line.substring(2).split("\t", -1);
                value = new Value(
                        Long.parseLong(f[0]),
                        f[1].equals("-") ? null : f[1],
                        Long.parseLong(f[2]),
                        Base64.getDecoder().decode(f[3]));
            } else {
                throw new IllegalStateException("unreadable lock record line: " + line);
            }
        }
        return new GrantRecord(released, max, fence, grants, value);
    }
}
