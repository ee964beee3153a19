package dev.locksmith.mongo;

import com.mongodb.client.ChangeStreamIterable;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoIterable;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.changestream.FullDocument;
import dev.locksmith.LeaseKind;
import dev.locksmith.TimeSource;
import dev.locksmith.spi.support.FeedListeners;
import dev.locksmith.spi.support.ReconnectingListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The release feed: a change stream on the collection that passes the updates that count a
 * release ({@code rl} for a lock, {@code rp} for permits). A release is one {@code updateOne}, so
 * its change event is published atomically with freeing the grant. Each event names its key; the
 * listeners of that key (and kind) are told. Expiry is not reported.
 *
 * <p>The key is read from the event's post-image ({@code fullDocument: updateLookup}, trimmed to
 * its {@code _id} by the pipeline) or its {@code documentKey}; the kind from the updated fields. An
 * event that does not say which fields changed tells both kinds of its key.
 */
final class ChangeStreamFeed extends ReconnectingListener {
    /** How long one wait for events lasts on the server before the thread checks whether it is closed. */
    private static final long AWAIT_MILLIS = 500;

    private static final long AWAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(AWAIT_MILLIS);

    private final MongoCollection<Document> collection;
    private final TimeSource time;
    private volatile MongoCursor<BsonDocument> cursor;
    private volatile CompletableFuture<Void> idle;

    ChangeStreamFeed(MongoCollection<Document> collection, TimeSource time, FeedListeners listeners) {
        super("locksmith-mongo-feed", time, listeners);
        this.collection = collection;
        this.time = time;
    }

    /** The change stream's pipeline: releases only, trimmed to what the feed reads. */
    static List<Bson> pipeline() {
        String updated = "updateDescription.updatedFields.";
        return List.of(
                Aggregates.match(Filters.and(
                        Filters.eq("operationType", "update"),
                        Filters.or(
                                Filters.exists(updated + KeyDocument.LOCK_RELEASES),
                                Filters.exists(updated + KeyDocument.PERMIT_RELEASES),
                                Filters.exists("updateDescription", false)))),
                Aggregates.project(new Document("operationType", 1)
                        .append("documentKey._id", 1)
                        .append("fullDocument._id", 1)
                        .append(updated + KeyDocument.LOCK_RELEASES, 1)
                        .append(updated + KeyDocument.PERMIT_RELEASES, 1)));
    }

    /** The change stream, as raw events. */
    static ChangeStreamIterable<Document> stream(MongoCollection<Document> collection) {
        return collection.watch(pipeline()).fullDocument(FullDocument.UPDATE_LOOKUP);
    }

    private static MongoIterable<BsonDocument> events(MongoCollection<Document> collection) {
        return stream(collection)
                .maxAwaitTime(AWAIT_MILLIS, TimeUnit.MILLISECONDS)
                .withDocumentClass(BsonDocument.class);
    }

    @Override
    protected void listen() throws InterruptedException {
        try (MongoCursor<BsonDocument> c = events(collection).cursor()) {
            cursor = c;
            if (isClosed()) {
                return;
            }
            connected();
            while (!isClosed()) {
                long asked = time.nanoTime();
                BsonDocument event = c.tryNext();
                if (event != null) {
                    dispatch(event);
                } else {
                    waitOut(AWAIT_NANOS - (time.nanoTime() - asked));
                }
            }
        } finally {
            cursor = null;
        }
    }

    /**
     * A server that answers an empty wait at once, instead of holding it for the await time, would
     * have this thread ask again and again: it waits out the rest of the await time on the timer.
     */
    private void waitOut(long nanos) throws InterruptedException {
        if (nanos <= AWAIT_NANOS / 2) {
            return;
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        idle = f;
        TimeSource.Timeout t = time.schedule(Duration.ofNanos(nanos), () -> f.complete(null));
        try {
            if (!isClosed()) {
                f.get();
            }
        } catch (ExecutionException e) {
            // completed normally only
        } finally {
            t.cancel();
            idle = null;
        }
    }

    private void dispatch(BsonDocument event) {
        String key = keyOf(event, "fullDocument");
        if (key == null) {
            key = keyOf(event, "documentKey");
        }
        if (key == null) {
            return;
        }
        BsonValue description = event.get("updateDescription");
        BsonDocument updated =
                description instanceof BsonDocument d && d.get("updatedFields") instanceof BsonDocument f ? f : null;
        if (updated == null || updated.containsKey(KeyDocument.LOCK_RELEASES)) {
            listeners.tell(FeedListeners.topic(LeaseKind.LOCK, key), null);
        }
        if (updated == null || updated.containsKey(KeyDocument.PERMIT_RELEASES)) {
            listeners.tell(FeedListeners.topic(LeaseKind.PERMIT, key), null);
        }
    }

    private static String keyOf(BsonDocument event, String field) {
        return event.get(field) instanceof BsonDocument d && d.get("_id") instanceof BsonString id
                ? id.getValue()
                : null;
    }

    @Override
    protected void stopListening() {
        CompletableFuture<Void> f = idle;
        if (f != null) {
            f.complete(null);
        }
        MongoCursor<BsonDocument> c = cursor;
        if (c != null) {
            c.close();
        }
    }
}
