package dev.locksmith.cli;

import dev.locksmith.LockInfo;
import java.util.Locale;

/** The little JSON the command writes; no library, to keep start-up small. */
final class Json {
    private Json() {}

    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** One grant: name, kind, owner, token, remaining_ms. */
    static String grant(LockInfo info) {
        return "{\"name\":" + quote(info.name()) + ",\"kind\":" + quote(kind(info)) + ",\"owner\":"
                + quote(info.owner()) + ",\"token\":" + info.fencingToken() + ",\"remaining_ms\":"
                + info.remaining().toMillis() + "}";
    }

    static String kind(LockInfo info) {
        return info.kind().name().toLowerCase(Locale.ROOT);
    }
}
