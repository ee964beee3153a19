package dev.locksmith.spi.support;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The settings of a store, given as URI query parameters ({@code ?socketTimeout=2s&maxConnections=8}),
 * read with one grammar for every store. Build one with {@link #fromQuery} or {@link #of}, naming the
 * keys the store knows; read each with a typed getter that takes the default.
 *
 * <p>The grammar:
 *
 * <ul>
 *   <li><b>durations</b>: number-unit pairs, largest unit first, each unit at most once: {@code 500ms},
 *       {@code 2s}, {@code 1m30s}, {@code 1.5s}, {@code 1h}, {@code 1d}, {@code 250us}, {@code 100ns}
 *       (units {@code d h m s ms us ns}, any case); or ISO-8601 ({@code PT2S}, {@code P1DT2H}). A bare
 *       {@code 0} means zero. Any other bare number is an error, unless the getter names a unit for bare
 *       numbers (so that a store can keep whole milliseconds for settings that always took them).
 *       Negative durations are always rejected, zero where the getter asks for a positive one, and
 *       anything longer than {@code Long.MAX_VALUE} nanoseconds (about 292 years).
 *   <li><b>booleans</b>: {@code true}/{@code false}, {@code yes}/{@code no}, {@code on}/{@code off},
 *       {@code 1}/{@code 0}, any case; a key given without a value ({@code ?verifyHostname}) means
 *       {@code true}.
 *   <li><b>whole numbers</b> in a range the getter gives.
 *   <li><b>enums</b>: a constant's name, any case.
 * </ul>
 *
 * <p>Values of {@link #fromQuery} are percent-decoded as UTF-8 ({@code +} stays a plus sign); malformed
 * escapes are an error. A key that the store does not know, or a key given twice, is an error naming
 * the known keys. Every error is an {@link IllegalArgumentException} whose message names the setting,
 * the allowed values or forms, and what was given, e.g. {@code socketTimeout must be a duration such as
 * 500ms, 2s, 1m30s or PT2S, was 'abc'}.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class Settings {
    /** The examples every duration error shows. */
    public static final String DURATION_EXAMPLES = "500ms, 2s, 1m30s or PT2S";

    private static final String[] UNITS = {"d", "h", "m", "s", "ms", "us", "ns"};
    private static final long[] UNIT_NANOS = {
        86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L, 1L
    };
    private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);

    private final Map<String, String> values;
    private final Set<String> known;

    private Settings(Map<String, String> values, Set<String> known) {
        this.values = values;
        this.known = known;
    }

    /**
     * The settings in a raw (still percent-encoded) URI query, as {@link java.net.URI#getRawQuery()}
     * returns it: {@code key=value} pairs joined by {@code &}.
     *
     * @param rawQuery the query without the {@code ?}; {@code null} or empty for none
     * @param knownKeys every key the store accepts (case-sensitive)
     * @throws IllegalArgumentException for an unknown key, a key given twice or a malformed escape
     */
    public static Settings fromQuery(String rawQuery, Collection<String> knownKeys) {
        Map<String, String> values = new LinkedHashMap<>();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&", -1)) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = percentDecode(eq < 0 ? pair : pair.substring(0, eq), "setting name");
                String value = eq < 0 ? "" : percentDecode(pair.substring(eq + 1), key);
                if (values.put(key, value) != null) {
                    throw new IllegalArgumentException("setting '" + key + "' is given twice");
                }
            }
        }
        return of(values, knownKeys);
    }

    /**
     * Settings given as a map of (already decoded) values.
     *
     * @param values the settings by key; copied
     * @param knownKeys every key the store accepts (case-sensitive)
     * @throws IllegalArgumentException for an unknown key or a null key or value
     */
    public static Settings of(Map<String, String> values, Collection<String> knownKeys) {
        Set<String> known = Collections.unmodifiableSet(new LinkedHashSet<>(knownKeys));
        Map<String, String> copy = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw new IllegalArgumentException("settings must not hold null keys or values, was " + values);
            }
            if (!known.contains(e.getKey())) {
                throw unknown(e.getKey(), known);
            }
            copy.put(e.getKey(), e.getValue());
        }
        return new Settings(Collections.unmodifiableMap(copy), known);
    }

    private static IllegalArgumentException unknown(String key, Set<String> known) {
        String hint = "";
        for (String k : known) {
            if (k.equalsIgnoreCase(key)) {
                hint = " (did you mean " + k + "?)";
            }
        }
        return new IllegalArgumentException(
                "unknown setting '" + key + "'" + hint + "; known: " + String.join(", ", known));
    }

    /** The keys that were given, in the order given. */
    public Set<String> keys() {
        return values.keySet();
    }

    /** Whether {@code key} was given. */
    public boolean has(String key) {
        return values.containsKey(checkKnown(key));
    }

    /** The value of {@code key} as given (decoded), if it was given. */
    public Optional<String> value(String key) {
        return Optional.ofNullable(values.get(checkKnown(key)));
    }

    /** The value of {@code key} as given (decoded), or {@code defaultValue} (may be null). */
    public String string(String key, String defaultValue) {
        String v = values.get(checkKnown(key));
        return v == null ? defaultValue : v;
    }

    /**
     * A duration that may be zero.
     *
     * @param defaultValue returned when the key is absent; may be null
     * @throws IllegalArgumentException if the value is not a duration or is negative
     */
    public Duration duration(String key, Duration defaultValue) {
        String v = values.get(checkKnown(key));
        return v == null ? defaultValue : parse(v, key, null, false);
    }

    /**
     * A duration that may be zero, where a bare whole number counts in {@code bareNumberUnit} (for
     * settings that always took, say, milliseconds).
     *
     * @param defaultValue returned when the key is absent; may be null
     */
    public Duration duration(String key, Duration defaultValue, ChronoUnit bareNumberUnit) {
        String v = values.get(checkKnown(key));
        return v == null ? defaultValue : parse(v, key, bareNumberUnit, false);
    }

    /**
     * A duration greater than zero.
     *
     * @param defaultValue returned when the key is absent; may be null
     * @throws IllegalArgumentException if the value is not a duration or is zero or negative
     */
    public Duration positiveDuration(String key, Duration defaultValue) {
        String v = values.get(checkKnown(key));
        return v == null ? defaultValue : parse(v, key, null, true);
    }

    /** A duration greater than zero, where a bare whole number counts in {@code bareNumberUnit}. */
    public Duration positiveDuration(String key, Duration defaultValue, ChronoUnit bareNumberUnit) {
        String v = values.get(checkKnown(key));
        return v == null ? defaultValue : parse(v, key, bareNumberUnit, true);
    }

    /**
     * A boolean: {@code true}/{@code false}, {@code yes}/{@code no}, {@code on}/{@code off}, {@code 1}/{@code
     * 0}, any case; an empty value means true.
     */
    public boolean bool(String key, boolean defaultValue) {
        String v = values.get(checkKnown(key));
        return v == null ? defaultValue : parseBoolean(v, key);
    }

    /**
     * A whole number from {@code min} to {@code max}, both included.
     *
     * @throws IllegalArgumentException if the value is not a whole number or out of range
     */
    public int integer(String key, int defaultValue, int min, int max) {
        String v = values.get(checkKnown(key));
        if (v == null) {
            return defaultValue;
        }
        long n;
        try {
            n = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    key + " must be a whole number from " + min + " to " + max + ", was '" + v + "'");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(
                    key + " must be a whole number from " + min + " to " + max + ", was '" + v + "'");
        }
        return (int) n;
    }

    /**
     * One of the constants of {@code type}, by name, any case.
     *
     * @param defaultValue returned when the key is absent; may be null
     * @throws IllegalArgumentException naming the allowed values if none matches
     */
    public <E extends Enum<E>> E enumValue(String key, Class<E> type, E defaultValue) {
        String v = values.get(checkKnown(key));
        return v == null ? defaultValue : parseEnum(v, key, type);
    }

    /** {@code text} as a constant of {@code type}, by name, any case; the error lists the allowed values. */
    public static <E extends Enum<E>> E parseEnum(String text, String settingName, Class<E> type) {
        List<String> allowed = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(text.trim())) {
                return e;
            }
            allowed.add(e.name().toLowerCase(Locale.ROOT));
        }
        throw new IllegalArgumentException(
                settingName + " must be one of " + String.join(", ", allowed) + ", was '" + text + "'");
    }

    /** {@code text} as a boolean, in the grammar of {@link #bool}. */
    public static boolean parseBoolean(String text, String settingName) {
        switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "", "true", "yes", "on", "1":
                return true;
            case "false", "no", "off", "0":
                return false;
            default:
                throw new IllegalArgumentException(
                        settingName + " must be true or false (also yes/no, on/off, 1/0), was '" + text + "'");
        }
    }

    /**
     * Parses a duration in the grammar of this class; zero is allowed, negatives are not, and a bare
     * number other than {@code 0} is an error.
     *
     * @param settingName named in the error message, such as {@code socketTimeout} or {@code --ttl}
     * @throws IllegalArgumentException naming the setting and the allowed forms
     */
    public static Duration parseDuration(String text, String settingName) {
        return parse(text, settingName, null, false);
    }

    /**
     * Parses a duration as {@link #parseDuration(String, String)} does, where a bare whole number
     * counts in {@code bareNumberUnit}.
     */
    public static Duration parseDuration(String text, String settingName, ChronoUnit bareNumberUnit) {
        return parse(text, settingName, bareNumberUnit, false);
    }

    private static Duration parse(String text, String name, ChronoUnit bareUnit, boolean positive) {
        Duration d = parseNonNegative(text, name, bareUnit, positive);
        if (positive && d.isZero()) {
            throw invalid(text, name, bareUnit, true, "zero");
        }
        return d;
    }

    private static Duration parseNonNegative(String text, String name, ChronoUnit bareUnit, boolean positive) {
        String s = text.trim();
        if (s.isEmpty()) {
            throw invalid(text, name, bareUnit, positive, "empty");
        }
        if (s.startsWith("-")) {
            throw invalid(text, name, bareUnit, positive, "negative");
        }
        if (s.charAt(0) == 'P' || s.charAt(0) == 'p') {
            Duration d;
            try {
                d = Duration.parse(s);
            } catch (DateTimeParseException | ArithmeticException e) {
                throw invalid(text, name, bareUnit, positive, "not ISO-8601");
            }
            if (d.isNegative()) {
                throw invalid(text, name, bareUnit, positive, "negative");
            }
            if (d.compareTo(Duration.ofNanos(Long.MAX_VALUE)) > 0) {
                throw invalid(text, name, bareUnit, positive, "too long: at most about 292 years");
            }
            return d;
        }
        if (isDigits(s)) {
            if (bareUnit != null) {
                try {
                    return checkedNanos(
                            new BigDecimal(s)
                                    .multiply(BigDecimal.valueOf(
                                            bareUnit.getDuration().toNanos())),
                            text,
                            name,
                            bareUnit,
                            positive);
                } catch (ArithmeticException e) {
                    throw invalid(text, name, bareUnit, positive, "too long: at most about 292 years");
                }
            }
            if (new BigDecimal(s).signum() == 0) {
                return Duration.ZERO;
            }
            throw invalid(text, name, null, positive, "a number needs a unit");
        }
        BigDecimal totalNanos = BigDecimal.ZERO;
        int i = 0;
        int lastUnit = -1;
        while (i < s.length()) {
            int numberStart = i;
            while (i < s.length() && (isAsciiDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                i++;
            }
            if (i == numberStart) {
                throw invalid(text, name, bareUnit, positive, "expected a number at '" + s.substring(i) + "'");
            }
            String digits = s.substring(numberStart, i);
            if (digits.startsWith(".") || digits.endsWith(".") || digits.indexOf('.') != digits.lastIndexOf('.')) {
                throw invalid(text, name, bareUnit, positive, "bad number '" + digits + "'");
            }
            BigDecimal number = new BigDecimal(digits);
            int unitStart = i;
            while (i < s.length() && isAsciiLetter(s.charAt(i))) {
                i++;
            }
            String unit = s.substring(unitStart, i).toLowerCase(Locale.ROOT);
            if (unit.isEmpty()) {
                throw invalid(text, name, bareUnit, positive, "missing unit after " + digits);
            }
            int u = unitIndex(unit);
            if (u < 0) {
                throw invalid(
                        text, name, bareUnit, positive, "unknown unit '" + unit + "': use d, h, m, s, ms, us or ns");
            }
            if (u <= lastUnit) {
                throw invalid(text, name, bareUnit, positive, "units must go from largest to smallest, each once");
            }
            lastUnit = u;
            totalNanos = totalNanos.add(number.multiply(BigDecimal.valueOf(UNIT_NANOS[u])));
        }
        return checkedNanos(totalNanos, text, name, bareUnit, positive);
    }

    private static Duration checkedNanos(
            BigDecimal nanos, String text, String name, ChronoUnit bareUnit, boolean positive) {
        BigDecimal rounded = nanos.setScale(0, RoundingMode.HALF_UP);
        if (rounded.compareTo(MAX_NANOS) > 0) {
            throw invalid(text, name, bareUnit, positive, "too long: at most about 292 years");
        }
        return Duration.ofNanos(rounded.longValueExact());
    }

    private static boolean isDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!isAsciiDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static int unitIndex(String unit) {
        for (int u = 0; u < UNITS.length; u++) {
            if (UNITS[u].equals(unit)) {
                return u;
            }
        }
        return -1;
    }

    private static IllegalArgumentException invalid(
            String text, String name, ChronoUnit bareUnit, boolean positive, String why) {
        String bare = bareUnit == null
                ? ""
                : ", or a whole number of " + bareUnit.name().toLowerCase(Locale.ROOT);
        return new IllegalArgumentException(name + " must be a " + (positive ? "positive " : "") + "duration such as "
                + DURATION_EXAMPLES + bare + ", was '" + text + "' (" + why + ")");
    }

    /**
     * Decodes {@code %XX} escapes as UTF-8; {@code +} stays a plus sign.
     *
     * @param settingName named in the error message
     * @throws IllegalArgumentException for a malformed escape or bytes that are not UTF-8
     */
    public static String percentDecode(String raw, String settingName) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        StringBuilder out = new StringBuilder(raw.length());
        int i = 0;
        while (i < raw.length()) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw badEscape(settingName);
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw badEscape(settingName);
                }
                bytes.write(hi * 16 + lo);
                i += 3;
            } else {
                flush(bytes, out, settingName);
                out.append(c);
                i++;
            }
        }
        flush(bytes, out, settingName);
        return out.toString();
    }

    private static void flush(ByteArrayOutputStream bytes, StringBuilder out, String settingName) {
        if (bytes.size() == 0) {
            return;
        }
        try {
            out.append(StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())));
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(
                    settingName + " must be percent-encoded UTF-8; its %XX escapes are not UTF-8");
        }
        bytes.reset();
    }

    private static IllegalArgumentException badEscape(String settingName) {
        return new IllegalArgumentException(
                settingName + " has a malformed percent escape: use %XX with two hex digits (%25 for %)");
    }

    private String checkKnown(String key) {
        if (!known.contains(key)) {
            // a programming error of the store: it reads a key it did not declare
            throw new IllegalArgumentException(
                    "setting '" + key + "' was not declared as known; known: " + String.join(", ", known));
        }
        return key;
    }

    @Override
    public String toString() {
        return "Settings" + values.keySet();
    }
}
