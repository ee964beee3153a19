/**
 * The MongoDB backend: {@link dev.locksmith.mongo.MongoBackend} for a {@code MongoClient} you own,
 * and {@link dev.locksmith.mongo.MongoBackendProvider} for {@code mongodb://} and {@code
 * mongodb+srv://} URIs.
 */
package dev.locksmith.mongo;
