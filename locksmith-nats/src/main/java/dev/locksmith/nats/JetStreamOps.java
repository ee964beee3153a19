package dev.locksmith.nats;

import dev.locksmith.BackendException;
import dev.locksmith.TimeSource;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The four JetStream key-value requests the backend makes, each one request-reply on the
 * connection with its own time bound: read the last entry of a key (a direct get, or a get from the
 * stream leader on replicated buckets), write a key only if its last revision is the one expected
 * (compare-and-set), and delete a key (waiting for the answer, or not). Failures become {@link
 * BackendException}s, transient when the connection is down or the request timed out.
 */
final class JetStreamOps {
    static final String EXPECTED_LAST_SUBJECT_SEQ = "Nats-Expected-Last-Subject-Sequence";
    static final String MSG_ID = "Nats-Msg-Id";
    static final String KV_OPERATION = "KV-Operation";
    /** API error: the key's last revision is not the expected one. */
    static final int WRONG_LAST_SEQUENCE = 10071;
    /** The least time one operation is given, whatever bound the caller passed. */
    static final Duration MIN_CALL_BOUND = Duration.ofMillis(250);

    private final Connection connection;
    private final TimeSource time;
    private final Duration defaultTimeout;
    /** Whether reads go to the stream leader (replicated buckets) rather than to any replica. */
    private final boolean leaderReads;
    /** How long a call waits for a connection that is being re-established. */
    private final Duration reconnectPatience;
    /** Completes when the connection is up; replaced when it drops. */
    private volatile CompletableFuture<Void> up = new CompletableFuture<>();
    /** Requests waiting for a reply: failed at once when the connection drops (their reply is lost). */
    private final java.util.Set<CompletableFuture<Message>> inFlight =
            java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** The connection dropped while a request waited: whether it was applied is unknown. */
    static final class ConnectionLost extends Exception {
        private static final long serialVersionUID = 1L;

        ConnectionLost() {
            super("the NATS connection dropped while waiting for an answer", null, false, false);
        }
    }

    /** One entry as read: its revision, whether it is a delete or purge marker, its value. */
    record Entry(long revision, boolean deleted, byte[] value) {}

    /** A compare-and-set lost: the key's last revision is {@code actual}. */
    static final class Conflict extends Exception {
        private static final long serialVersionUID = 1L;
        final long actual;

        Conflict(long actual) {
            super("wrong last revision: " + actual, null, false, false);
            this.actual = actual;
        }
    }

    /** A point in time on the client's clock by which a whole operation must be done. */
    final class Deadline {
        private final long at;

        private Deadline(Duration bound) {
            long n;
            try {
                n = bound.toNanos();
            } catch (ArithmeticException e) {
                n = Long.MAX_VALUE / 4;
            }
            at = time.nanoTime() + Math.max(n, 1);
        }

        Duration left(String key) {
            long left = at - time.nanoTime();
            if (left <= 0) {
                throw new BackendException(key, "NATS did not answer within the call's time limit", null, true);
            }
            return Duration.ofNanos(left);
        }
    }

    JetStreamOps(Connection connection, TimeSource time, Duration defaultTimeout, boolean leaderReads) {
        this.connection = connection;
        this.leaderReads = leaderReads;
        this.time = time;
        this.defaultTimeout = defaultTimeout;
        Duration rw = connection.getOptions().getReconnectWait();
        Duration patience = rw == null ? Duration.ofSeconds(1) : rw.multipliedBy(4);
        this.reconnectPatience = patience.compareTo(Duration.ofMillis(100)) < 0
                ? Duration.ofMillis(100)
                : patience.compareTo(Duration.ofSeconds(2)) > 0 ? Duration.ofSeconds(2) : patience;
        if (connection.getStatus() == Connection.Status.CONNECTED) {
            up.complete(null);
        }
    }

    /** A deadline {@code bound} from now, or the default request timeout when {@code bound} is null. */
    Deadline deadline(Duration bound) {
        Duration b = bound == null || bound.compareTo(defaultTimeout) > 0 ? defaultTimeout : bound;
        // an operation is up to four round trips: on a loaded host 100 ms may not fit them
        return new Deadline(b.compareTo(MIN_CALL_BOUND) < 0 ? MIN_CALL_BOUND : b);
    }

    static String subject(String bucket, String key) {
        return "$KV." + bucket + "." + key;
    }

    /**
     * The last entry of {@code key} in {@code bucket}, or null when the key has none. On a single
     * replica this is a direct get; on replicated buckets it asks the stream's leader, since a
     * direct get may be answered by a follower that has not applied the latest writes yet.
     */
    Entry read(String bucket, String key, Deadline deadline, String name) {
        return leaderReads ? readFromLeader(bucket, key, deadline, name) : readDirect(bucket, key, deadline, name);
    }

    private Entry readFromLeader(String bucket, String key, Deadline deadline, String name) {
        String subject = "$JS.API.STREAM.MSG.GET.KV_" + bucket;
        byte[] body = ("{\"last_by_subj\":\"" + subject(bucket, key) + "\"}").getBytes(StandardCharsets.UTF_8);
        Message reply =
                request(NatsMessage.builder().subject(subject).data(body).build(), deadline, name);
        if (reply.isStatusMessage()) {
            if (reply.getStatus().isNoResponders()) {
                throw noJetStream(name, bucket);
            }
            throw new BackendException(
                    name, "NATS refused to read " + bucket + "/" + key + ": " + reply.getStatus(), null, true);
        }
        MessageInfo info = new MessageInfo(reply, "KV_" + bucket, false);
        if (info.hasError()) {
            if (info.getApiErrorCode() == 10037 || info.getErrorCode() == 404) { // no message found
                return null;
            }
            throw new BackendException(
                    name,
                    "NATS refused to read " + bucket + "/" + key + ": " + info.getError(),
                    null,
                    info.getErrorCode() == 503 || info.getErrorCode() == 408);
        }
        Headers h = info.getHeaders();
        String op = h == null ? null : h.getFirst(KV_OPERATION);
        boolean deleted = op != null && (op.equals("DEL") || op.equals("PURGE"));
        return new Entry(info.getSeq(), deleted, info.getData());
    }

    private Entry readDirect(String bucket, String key, Deadline deadline, String name) {
        String subject = "$JS.API.DIRECT.GET.KV_" + bucket + "." + subject(bucket, key);
        Message reply = request(NatsMessage.builder().subject(subject).build(), deadline, name);
        if (reply.isStatusMessage()) {
            int code = reply.getStatus().getCode();
            if (code == 404) {
                return null;
            }
            if (reply.getStatus().isNoResponders()) {
                throw noJetStream(name, bucket);
            }
            throw new BackendException(
                    name, "NATS refused to read " + bucket + "/" + key + ": " + reply.getStatus(), null, code == 408);
        }
        Headers h = reply.getHeaders();
        String seq = h == null ? null : h.getFirst("Nats-Sequence");
        if (seq == null) {
            throw new BackendException(
                    name, "NATS answered a read of " + bucket + "/" + key + " without a revision", null);
        }
        String op = h.getFirst(KV_OPERATION);
        boolean deleted = op != null && (op.equals("DEL") || op.equals("PURGE"));
        return new Entry(Long.parseLong(seq), deleted, reply.getData());
    }

    /**
     * Writes {@code value} to {@code key} if its last revision is {@code expected} (0: the key has no
     * entry); returns the new revision.
     *
     * @param msgId a message id for JetStream's duplicate detection, or null
     * @throws Conflict if the key's last revision differs
     */
    long compareAndSet(
            String bucket, String key, byte[] value, long expected, String msgId, Deadline deadline, String name)
            throws Conflict {
        Headers h = new Headers();
        h.put(EXPECTED_LAST_SUBJECT_SEQ, Long.toString(expected));
        if (msgId != null) {
            h.put(MSG_ID, msgId);
        }
        return publish(bucket, key, h, value, deadline, name);
    }

    /** Puts a delete marker on {@code key} (whatever its revision); returns the marker's revision. */
    long delete(String bucket, String key, Deadline deadline, String name) {
        Headers h = new Headers();
        h.put(KV_OPERATION, "DEL");
        try {
            return publish(bucket, key, h, new byte[0], deadline, name);
        } catch (Conflict e) {
            throw new IllegalStateException("unconditional delete conflicted", e);
        }
    }

    /** Puts a delete marker on {@code key} without waiting for the server; nothing if disconnected. */
    void deleteNoWait(String bucket, String key) {
        Headers h = new Headers();
        h.put(KV_OPERATION, "DEL");
        try {
            connection.publish(subject(bucket, key), h, new byte[0]);
        } catch (IllegalStateException e) {
            // disconnected: the key expires by itself
        }
    }

    private long publish(String bucket, String key, Headers headers, byte[] value, Deadline deadline, String name)
            throws Conflict {
        Message msg = NatsMessage.builder()
                .subject(subject(bucket, key))
                .headers(headers)
                .data(value)
                .build();
        Message reply = request(msg, deadline, name);
        if (reply.isStatusMessage()) {
            if (reply.getStatus().isNoResponders()) {
                throw noJetStream(name, bucket);
            }
            throw new BackendException(
                    name, "NATS refused a write to " + bucket + "/" + key + ": " + reply.getStatus(), null, true);
        }
        try {
            return new PublishAck(reply).getSeqno();
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == WRONG_LAST_SEQUENCE) {
                throw new Conflict(actualSequence(e.getErrorDescription()));
            }
            throw new BackendException(
                    name, "NATS refused a write to " + bucket + "/" + key + ": " + e.getMessage(), e, false);
        } catch (IOException e) {
            throw new BackendException(name, "unreadable NATS publish acknowledgement: " + e.getMessage(), e, true);
        }
    }

    private static long actualSequence(String description) {
        // "wrong last sequence: 42"
        int colon = description == null ? -1 : description.lastIndexOf(':');
        if (colon < 0) {
            return -1;
        }
        try {
            return Long.parseLong(description.substring(colon + 1).trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private Message request(Message msg, Deadline deadline, String name) {
        awaitConnected(deadline, name);
        Duration left = deadline.left(name);
        CompletableFuture<Message> f;
        try {
            f = connection.requestWithTimeout(msg, left);
        } catch (IllegalStateException e) {
            // closed, or disconnected with no reconnect buffer: nothing was sent
            throw new BackendException(name, "NATS connection is not available: " + e.getMessage(), e, true);
        }
        inFlight.add(f);
        if (connection.getStatus() != Connection.Status.CONNECTED) {
            f.completeExceptionally(new ConnectionLost());
        }
        try {
            return f.get(left.toNanos() + TimeUnit.MILLISECONDS.toNanos(50), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new BackendException(name, "interrupted while waiting for NATS", e, false);
        } catch (TimeoutException | CancellationException e) {
            f.cancel(true);
            throw new BackendException(
                    name,
                    "NATS did not answer within " + left.toMillis() + " ms (" + connection.getStatus() + ")",
                    e,
                    true);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ConnectionLost) {
                throw new BackendException(name, cause.getMessage(), cause, true);
            }
            String text = cause == null ? e.getMessage() : cause.toString();
            if (text != null && text.toLowerCase(java.util.Locale.ROOT).contains("no responders")) {
                throw noJetStream(name, msg.getSubject());
            }
            throw new BackendException(name, "NATS request failed: " + text, cause, true);
        } finally {
            inFlight.remove(f);
        }
    }

    /**
     * While the connection is being re-established, a call waits for it, as for a pooled
     * connection: at most {@link #reconnectPatience} and never past its deadline; then it fails,
     * transient, with nothing sent.
     */
    private void awaitConnected(Deadline deadline, String name) {
        Connection.Status status = connection.getStatus();
        if (status == Connection.Status.CONNECTED) {
            return;
        }
        if (status == Connection.Status.CLOSED) {
            throw new BackendException(name, "the NATS connection is closed", null, false);
        }
        Duration left = deadline.left(name);
        Duration wait = left.compareTo(reconnectPatience) < 0 ? left : reconnectPatience;
        CompletableFuture<Void> u = up;
        if (connection.getStatus() == Connection.Status.CONNECTED) {
            return;
        }
        try {
            u.get(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException(name, "interrupted while waiting for the NATS connection", e, false);
        } catch (TimeoutException | ExecutionException e) {
            throw new BackendException(
                    name,
                    "the NATS connection is down (" + connection.getStatus() + "), waited " + wait.toMillis()
                            + " ms for it to come back",
                    null,
                    true);
        }
    }

    /** The connection is up again: calls waiting for it go on. */
    void connectionUp() {
        up.complete(null);
    }

    /** Fails every request still waiting: the connection dropped, so their replies will not come. */
    void connectionLost() {
        if (up.isDone()) {
            up = new CompletableFuture<>();
        }
        for (CompletableFuture<Message> f : inFlight) {
            f.completeExceptionally(new ConnectionLost());
        }
    }

    static BackendException noJetStream(String name, String what) {
        return new BackendException(
                name,
                "nothing in NATS answers for " + what
                        + ": is JetStream enabled on the server (nats-server -js, or a jetstream block in its config)"
                        + " and does the bucket exist?",
                null,
                false);
    }
}
