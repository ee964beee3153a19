package dev.locksmith.cli;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Checks that a lock name from the command line is the text that was typed. The JVM decodes the
 * arguments with the platform's encoding ({@code sun.jnu.encoding}) and turns every byte sequence
 * it cannot decode into U+FFFD, so {@code job-\xff} and {@code job-\xfe} both arrive as {@code
 * job-\uFFFD}: taken as they are, two different names would be one lock. Such names, and names with
 * lone surrogates (which no store can keep exactly), are refused as usage errors.
 */
final class Names {
    private Names() {}

    /**
     * Returns {@code name} if it is exact text.
     *
     * @param what how the command line gave it, for the message: {@code --name}, {@code NAME}
     * @throws UsageException naming the position of the first character that is not exact text
     */
    static String requireText(String name, String what) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            String problem = null;
            if (c == '\uFFFD') {
                problem = "is U+FFFD, which stands for bytes that are not valid "
                        + argumentCharset().name() + localeHint();
            } else if (Character.isHighSurrogate(c)) {
                if (i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))) {
                    i++;
                    continue;
                }
                problem = "is a lone surrogate (" + hex(c) + ")";
            } else if (Character.isLowSurrogate(c)) {
                problem = "is a lone surrogate (" + hex(c) + ")";
            }
            if (problem != null) {
                throw new UsageException(what + " must be valid text (UTF-8); character "
                        + (name.codePointCount(0, i) + 1) + " " + problem);
            }
        }
        return name;
    }

    /** How this JVM decoded its arguments. */
    static Charset argumentCharset() {
        String jnu = System.getProperty("sun.jnu.encoding");
        try {
            return jnu == null ? Charset.defaultCharset() : Charset.forName(jnu);
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }

    private static String localeHint() {
        return argumentCharset().equals(StandardCharsets.UTF_8)
                ? ""
                : " (this JVM reads its arguments as " + argumentCharset().name()
                        + ": run it in a UTF-8 locale, such as LANG=C.UTF-8, to use names beyond ASCII)";
    }

    private static String hex(char c) {
        return String.format(Locale.ROOT, "U+%04X", (int) c);
    }
}
