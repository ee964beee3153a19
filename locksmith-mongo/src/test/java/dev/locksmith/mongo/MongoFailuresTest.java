package dev.locksmith.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoCredential;
import com.mongodb.MongoOperationTimeoutException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoSocketOpenException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.ServerAddress;
import dev.locksmith.BackendException;
import java.io.IOException;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;

/** Which driver failures the client may retry. */
class MongoFailuresTest {

    private static MongoCommandException command(int code, String name) {
        BsonDocument reply = new BsonDocument("ok", new BsonInt32(0))
                .append("code", new BsonInt32(code))
                .append("codeName", new BsonString(name))
                .append("errmsg", new BsonString(name));
        return new MongoCommandException(reply, new ServerAddress());
    }

    @Test
    void lostConnectionsTimeoutsAndStepdownsAreTransient() {
        assertThat(MongoFailures.isTransient(
                        new MongoSocketOpenException("refused", new ServerAddress(), new IOException("refused"))))
                .isTrue();
        assertThat(MongoFailures.isTransient(new MongoTimeoutException("no server")))
                .isTrue();
        assertThat(MongoFailures.isTransient(new MongoOperationTimeoutException("slow")))
                .isTrue();
        assertThat(MongoFailures.isTransient(command(189, "PrimarySteppedDown")))
                .isTrue();
        assertThat(MongoFailures.isTransient(command(10107, "NotWritablePrimary")))
                .isTrue();
        assertThat(MongoFailures.isTransient(command(11602, "InterruptedDueToReplStateChange")))
                .isTrue();
    }

    @Test
    void badCredentialsAndBadRequestsAreNot() {
        assertThat(MongoFailures.isTransient(new MongoSecurityException(
                        MongoCredential.createCredential("u", "admin", "p".toCharArray()), "auth failed")))
                .isFalse();
        assertThat(MongoFailures.isTransient(command(13, "Unauthorized"))).isFalse();
        assertThat(MongoFailures.isTransient(command(2, "BadValue"))).isFalse();
    }

    @Test
    void aDuplicateKeyMeansHeld() {
        assertThat(MongoFailures.isDuplicateKey(command(11000, "DuplicateKey"))).isTrue();
        assertThat(MongoFailures.isDuplicateKey(command(2, "BadValue"))).isFalse();
    }

    @Test
    void theWrappedFailureNamesTheKeyAndHidesPasswords() {
        BackendException e =
                MongoFailures.wrap("ns/k", "acquire", new MongoTimeoutException("no server at mongodb://u:pw@h:27017"));
        assertThat(e.isTransient()).isTrue();
        assertThat(e.getMessage()).contains("acquire").doesNotContain("pw@");
    }
}
