package dev.locksmith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableAndJsonTest {

    private static String print(Table table, boolean tty) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        table.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), tty);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void alignedWithHeaderOnATerminalTabSeparatedWhenPiped() {
        Table table = new Table("NAME", "TOKEN").row("nightly", "12").row("a", "3");
        assertThat(print(table, true).lines()).containsExactly("NAME     TOKEN", "nightly  12", "a        3");
        assertThat(print(table, false).lines()).containsExactly("nightly\t12", "a\t3");
    }

    @Test
    void jsonStringsAreEscaped() {
        assertThat(Json.quote("a\"b\\c\nd\u0001")).isEqualTo("\"a\\\"b\\\\c\\nd\\u0001\"");
    }

    @Test
    void passwordsAreNotShown() {
        assertThat(Connection.redact("redis://user:secret@host:6379/0")).isEqualTo("redis://user:***@host:6379/0");
        assertThat(Connection.redact("jdbc:postgresql://h/db?user=u&password=pw&ssl=true"))
                .isEqualTo("jdbc:postgresql://h/db?user=u&password=***&ssl=true");
    }

    @Test
    void demoFindingsSpotOverlapsAndTokenOrder() {
        DemoCommand.Findings good = DemoCommand.Findings.of(
                List.of(new DemoCommand.Entry(2, 20, 29, 2, true), new DemoCommand.Entry(1, 10, 19, 1, true)));
        assertThat(good.tokens()).containsExactly(1L, 2L);
        assertThat(good.tokensIncreasing()).isTrue();
        assertThat(good.overlaps()).isZero();

        DemoCommand.Findings bad = DemoCommand.Findings.of(List.of(
                new DemoCommand.Entry(1, 10, 25, 1, true),
                new DemoCommand.Entry(3, 20, 30, 2, true),
                new DemoCommand.Entry(2, 31, 40, 3, false)));
        assertThat(bad.overlaps()).isEqualTo(1);
        assertThat(bad.tokensIncreasing()).isFalse();
        assertThat(bad.lostLeases()).isEqualTo(1);
    }

    @Test
    void longTokenListsAreShortened() {
        List<Long> tokens = new java.util.ArrayList<>();
        for (long t = 1; t <= 40; t++) {
            tokens.add(t);
        }
        assertThat(DemoCommand.abbreviate(tokens)).isEqualTo("1 2 3 4 5 6 7 8 9 10 11 12 ... 35 36 37 38 39 40");
        assertThat(DemoCommand.abbreviate(List.of(1L, 2L))).isEqualTo("1 2");
    }
}
