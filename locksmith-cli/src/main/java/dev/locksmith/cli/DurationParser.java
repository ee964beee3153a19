package dev.locksmith.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * Parses the durations the command accepts: a sequence of number-unit pairs with units in
 * decreasing order ({@code 500ms}, {@code 30s}, {@code 1m30s}, {@code 2h}, {@code 1.5s}, units
 * {@code d h m s ms}), or ISO-8601 ({@code PT30S}, {@code P1DT2H}).
 */
final class DurationParser {
    static final String EXAMPLES = "e.g. 500ms, 30s, 1m30s, 2h or PT30S";

    private static final String[] UNITS = {"d", "h", "m", "s", "ms"};
    private static final long[] UNIT_NANOS = {
        86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L
    };

    private DurationParser() {}

    /**
     * Parses {@code text}.
     *
     * @param option the option the text was given for, named in the error message
     * @throws UsageException if the text is not a duration or is negative
     */
    static Duration parse(String text, String option) {
        String s = text.trim();
        if (s.isEmpty()) {
            throw invalid(text, option, "empty");
        }
        if (s.charAt(0) == 'P' || s.charAt(0) == 'p') {
            try {
                Duration d = Duration.parse(s);
                if (d.isNegative()) {
                    throw invalid(text, option, "negative");
                }
                return d;
            } catch (DateTimeParseException e) {
                throw invalid(text, option, "not ISO-8601");
            }
        }
        BigDecimal totalNanos = BigDecimal.ZERO;
        int i = 0;
        int lastUnit = -1;
        while (i < s.length()) {
            int numberStart = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                i++;
            }
            if (i == numberStart) {
                throw invalid(text, option, "expected a number at '" + s.substring(i) + "'");
            }
            BigDecimal number;
            try {
                number = new BigDecimal(s.substring(numberStart, i));
            } catch (NumberFormatException e) {
                throw invalid(text, option, "bad number '" + s.substring(numberStart, i) + "'");
            }
            int unitStart = i;
            while (i < s.length() && Character.isLetter(s.charAt(i))) {
                i++;
            }
            String unit = s.substring(unitStart, i);
            if (unit.isEmpty()) {
                throw invalid(text, option, "missing unit after " + number.toPlainString());
            }
            int u = unitIndex(unit);
            if (u < 0) {
                throw invalid(text, option, "unknown unit '" + unit + "' (use d, h, m, s or ms)");
            }
            if (u <= lastUnit) {
                throw invalid(text, option, "units must go from largest to smallest, each once");
            }
            lastUnit = u;
            totalNanos = totalNanos.add(number.multiply(BigDecimal.valueOf(UNIT_NANOS[u])));
        }
        try {
            return Duration.ofNanos(
                    totalNanos.setScale(0, java.math.RoundingMode.HALF_UP).longValueExact());
        } catch (ArithmeticException e) {
            throw invalid(text, option, "too long");
        }
    }

    private static int unitIndex(String unit) {
        for (int u = 0; u < UNITS.length; u++) {
            if (UNITS[u].equals(unit)) {
                return u;
            }
        }
        return -1;
    }

    private static UsageException invalid(String text, String option, String why) {
        return new UsageException(
                "invalid duration for " + option + ": '" + text + "' (" + why + "; use " + EXAMPLES + ")");
    }

    /** A short human form: {@code 850ms}, {@code 27.3s}, {@code 4m05s}, {@code 2h00m}. */
    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms < 60_000) {
            return String.format(java.util.Locale.ROOT, "%.1fs", ms / 1000.0);
        }
        long totalSeconds = ms / 1000;
        if (totalSeconds < 3600) {
            return String.format(java.util.Locale.ROOT, "%dm%02ds", totalSeconds / 60, totalSeconds % 60);
        }
        return String.format(java.util.Locale.ROOT, "%dh%02dm", totalSeconds / 3600, (totalSeconds % 3600) / 60);
    }
}
