package dev.locksmith.nats;

import dev.locksmith.LeaseKind;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Lock keys as NATS key-value keys. A key-value key may only hold {@code [-/_=.a-zA-Z0-9]}, must not
 * start or end with {@code .} and must not hold {@code ..}; a Locksmith key may hold any Unicode.
 * So letters, digits, {@code -} and {@code /} stay as they are and every other UTF-8 byte becomes
 * {@code _XX} (upper-case hex): lossless, and never a dot. The record of a key's locks is {@code
 * L.<encoded>}, of its permits {@code P.<encoded>}.
 */
final class KeyNames {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private KeyNames() {}

    /** The encoded form of a Locksmith key (one token, no dots). */
    static String encode(String key) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length + 8);
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '/') {
                out.append((char) c);
            } else {
                out.append('_').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return out.toString();
    }

    /** The Locksmith key of an encoded one. */
    static String decode(String encoded) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '_' && i + 2 < encoded.length()) {
                out.write(Integer.parseInt(encoded.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The record key of a kind and Locksmith key. */
    static String recordKey(LeaseKind kind, String key) {
        return (kind == LeaseKind.LOCK ? "L." : "P.") + encode(key);
    }

    /** The kind a record key names, or null if it is not a record key. */
    static LeaseKind kindOf(String recordKey) {
        if (recordKey.startsWith("L.")) {
            return LeaseKind.LOCK;
        }
        return recordKey.startsWith("P.") ? LeaseKind.PERMIT : null;
    }

    /** The Locksmith key a record key names. */
    static String keyOf(String recordKey) {
        return decode(recordKey.substring(2));
    }
}
