package dev.locksmith.mongo;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoExecutionTimeoutException;
import com.mongodb.MongoInterruptedException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoOperationTimeoutException;
import com.mongodb.MongoServerException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteConcernException;
import com.mongodb.MongoWriteException;
import dev.locksmith.BackendException;
import dev.locksmith.spi.support.Redaction;
import java.util.Set;

/** Turns driver failures into {@link BackendException}s, marked transient when trying again may succeed. */
final class MongoFailures {
    /**
     * Server error codes of a failure that passes: a stepdown or election, a node shutting down or
     * recovering, a network error between servers, a time limit, a write conflict, a write concern
     * not yet satisfied.
     */
    private static final Set<Integer> TRANSIENT_CODES = Set.of(
            6, // HostUnreachable
            7, // HostNotFound
            50, // MaxTimeMSExpired
            64, // WriteConcernFailed
            89, // NetworkTimeout
            91, // ShutdownInProgress
            112, // WriteConflict
            134, // ReadConcernMajorityNotAvailableYet
            189, // PrimarySteppedDown
            262, // ExceededTimeLimit
            9001, // SocketException
            10107, // NotWritablePrimary
            11600, // InterruptedAtShutdown
            11602, // InterruptedDueToReplStateChange
            13435, // NotPrimaryNoSecondaryOk
            13436 // NotPrimaryOrSecondary
            );

    private MongoFailures() {}

    /** Whether {@code e} says that a document with that {@code _id} exists already. */
    static boolean isDuplicateKey(MongoException e) {
        if (e instanceof MongoWriteException w) {
            return w.getError().getCategory() == ErrorCategory.DUPLICATE_KEY;
        }
        return e instanceof MongoCommandException c
                && ErrorCategory.fromErrorCode(c.getErrorCode()) == ErrorCategory.DUPLICATE_KEY;
    }

    static boolean isTransient(MongoException e) {
        if (e instanceof MongoInterruptedException) {
            return false;
        }
        if (e instanceof MongoSocketException
                || e instanceof MongoTimeoutException
                || e instanceof MongoOperationTimeoutException
                || e instanceof MongoExecutionTimeoutException
                || e instanceof MongoNotPrimaryException
                || e instanceof MongoNodeIsRecoveringException
                || e instanceof MongoWriteConcernException) {
            return true;
        }
        if (e.hasErrorLabel(MongoException.TRANSIENT_TRANSACTION_ERROR_LABEL)
                || e.hasErrorLabel("RetryableWriteError")) {
            return true;
        }
        if (e instanceof MongoWriteException w) {
            return TRANSIENT_CODES.contains(w.getError().getCode());
        }
        return e instanceof MongoServerException s && TRANSIENT_CODES.contains(s.getCode());
    }

    /** {@code e} as a {@link BackendException} about {@code key} ({@code null} for none) while doing {@code what}. */
    static BackendException wrap(String key, String what, RuntimeException e) {
        if (e instanceof BackendException b) {
            return b;
        }
        boolean transientFailure = e instanceof MongoException m && isTransient(m);
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new BackendException(key, Redaction.mask("MongoDB " + what + " failed: " + detail), e, transientFailure);
    }
}
