/**
 * Machinery for store authors, so that a store module only maps atomic operations to its store:
 * the release-feed registry and payload codec ({@link dev.locksmith.spi.support.FeedListeners}),
 * a reconnecting listener thread ({@link dev.locksmith.spi.support.ReconnectingListener}), the one
 * grammar of URI settings ({@code Settings}), password masking ({@code Redaction}) and lease
 * arithmetic ({@link dev.locksmith.spi.support.Ttls}). See {@code docs/WRITING-A-BACKEND.md}.
 */
package dev.locksmith.spi.support;
