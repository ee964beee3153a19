package dev.locksmith;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Turns a guarded-state value into bytes and back. Implementations must be thread-safe and must
 * round-trip: {@code decode(encode(v))} equals {@code v}.
 */
public interface Codec<T> {

    byte[] encode(T value);

    T decode(byte[] bytes);

    /** 64-bit signed integers as 8 big-endian bytes. */
    static Codec<Long> longs() {
        return new Codec<>() {
            @Override
            public byte[] encode(Long value) {
                return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
            }

            @Override
            public Long decode(byte[] bytes) {
                if (bytes.length != Long.BYTES) {
                    throw new IllegalArgumentException("a long needs 8 bytes, got " + bytes.length);
                }
                return ByteBuffer.wrap(bytes).getLong();
            }
        };
    }

    /** Strings as UTF-8. */
    static Codec<String> strings() {
        return new Codec<>() {
            @Override
            public byte[] encode(String value) {
                return value.getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public String decode(byte[] bytes) {
                return new String(bytes, StandardCharsets.UTF_8);
            }
        };
    }

    /** Raw bytes, copied in both directions so callers cannot change stored values. */
    static Codec<byte[]> bytes() {
        return new Codec<>() {
            @Override
            public byte[] encode(byte[] value) {
                return value.clone();
            }

            @Override
            public byte[] decode(byte[] bytes) {
                return bytes.clone();
            }
        };
    }
}
