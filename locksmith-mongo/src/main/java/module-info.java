/**
 * Locksmith on MongoDB through the official synchronous driver. Use {@code mongodb://} or {@code
 * mongodb+srv://} URIs with {@code Locksmith.connect}, or {@link dev.locksmith.mongo.MongoBackend#builder(com.mongodb.client.MongoClient)}
 * with a client of your own.
 */
module dev.locksmith.mongo {
    requires transitive dev.locksmith.core;
    requires transitive org.mongodb.driver.sync.client;
    requires transitive org.mongodb.driver.core;
    requires transitive org.mongodb.bson;

    exports dev.locksmith.mongo;

    provides dev.locksmith.spi.BackendProvider with
            dev.locksmith.mongo.MongoBackendProvider;
}
