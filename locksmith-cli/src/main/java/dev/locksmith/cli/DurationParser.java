package dev.locksmith.cli;

import dev.locksmith.spi.support.Settings;
import java.time.Duration;

/**
 * The command's durations, in the one grammar of every Locksmith setting ({@link Settings}): number-unit
 * pairs with units in decreasing order ({@code 500ms}, {@code 30s}, {@code 1m30s}, {@code 2h}, {@code
 * 1.5s}, units {@code d h m s ms us ns}), or ISO-8601 ({@code PT30S}, {@code P1DT2H}); a bare number
 * other than {@code 0} is refused.
 */
final class DurationParser {
    private DurationParser() {}

    /**
     * Parses {@code text}.
     *
     * @param option the option the text was given for, named in the error message
     * @throws UsageException if the text is not a duration or is negative
     */
    static Duration parse(String text, String option) {
        try {
            return Settings.parseDuration(text, option);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
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
