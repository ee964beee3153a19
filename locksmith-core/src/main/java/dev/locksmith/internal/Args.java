package dev.locksmith.internal;

import java.time.Duration;
import java.util.Objects;

/** Argument checks with messages that name the parameter and the allowed values. Not API. */
public final class Args {
    private Args() {}

    public static Duration positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
        return value;
    }

    public static Duration nonNegative(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, was " + value);
        }
        return value;
    }

    public static Duration atMost(Duration value, Duration max, String name) {
        if (value.compareTo(max) > 0) {
            throw new IllegalArgumentException(name + " must be at most " + max + ", was " + value);
        }
        return value;
    }

    public static int atLeast(int value, int min, String name) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ", was " + value);
        }
        return value;
    }

    /**
     * A name of 1 to {@code maxLength} characters, not blank, without control characters.
     */
    public static String name(String value, String param, int maxLength) {
        Objects.requireNonNull(value, param);
        if (value.isBlank()) {
            throw new IllegalArgumentException(param + " must not be blank");
        }
        if (value.length() > maxLength) {
            throw new IllegalArgumentException(
                    param + " must be at most " + maxLength + " characters, was " + value.length());
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                throw new IllegalArgumentException(
                        param + " must not contain control characters (found one at index " + i + ")");
            }
            // a lone surrogate has no UTF-8 form: stores would write it as '?', and two different
            // names (or owners) would collide there
            if (Character.isHighSurrogate(c)
                    && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(param + " must be valid Unicode text: a lone surrogate (\\u"
                        + Integer.toHexString(c) + ") at index " + i + " cannot be stored exactly");
            }
        }
        return value;
    }
}
