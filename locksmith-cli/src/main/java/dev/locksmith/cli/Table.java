package dev.locksmith.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows for people or for scripts: on a terminal, a header and columns aligned with spaces; when
 * piped, tab-separated lines without a header, ready for {@code cut} and {@code awk}.
 */
final class Table {
    private final String[] headers;
    private final List<String[]> rows = new ArrayList<>();

    Table(String... headers) {
        this.headers = headers.clone();
    }

    Table row(String... cells) {
        if (cells.length != headers.length) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + headers.length);
        }
        rows.add(cells.clone());
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    void print(PrintStream out, boolean tty) {
        print(out, tty, true);
    }

    /** Like {@link #print(PrintStream, boolean)}; {@code header} false leaves out the header line. */
    void print(PrintStream out, boolean tty, boolean header) {
        if (!tty) {
            for (String[] row : rows) {
                out.println(String.join("\t", row));
            }
            return;
        }
        int[] widths = new int[headers.length];
        for (int c = 0; c < headers.length; c++) {
            widths[c] = header ? headers[c].length() : 0;
            for (String[] row : rows) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        if (header) {
            printAligned(out, headers, widths);
        }
        for (String[] row : rows) {
            printAligned(out, row, widths);
        }
    }

    private static void printAligned(PrintStream out, String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            line.append(cells[c]);
            if (c < cells.length - 1) {
                line.append(" ".repeat(widths[c] - cells[c].length() + 2));
            }
        }
        out.println(line);
    }
}
