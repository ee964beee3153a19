package dev.locksmith.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {
    @ParameterizedTest
    @ValueSource(strings = {"job", "jöb", "ジョブ", "job-\uD83D\uDE00", "a?b"})
    void exactTextPasses(String name) {
        assertThat(Names.requireText(name, "--name")).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"job-\uFFFD", "\uFFFD", "job-\uD800", "\uDFFFx", "a\uDE00\uD83D", "\uD83D"})
    void replacementCharactersAndLoneSurrogatesAreUsageErrors(String name) {
        assertThatThrownBy(() -> Names.requireText(name, "--name"))
                .isInstanceOf(UsageException.class)
                .hasMessageStartingWith("--name must be valid text (UTF-8); character ")
                .satisfies(e -> assertThat(((UsageException) e).status()).isEqualTo(Exit.USAGE));
    }

    @org.junit.jupiter.api.Test
    void thePositionCountsCharactersNotCodeUnits() {
        assertThatThrownBy(() -> Names.requireText("\uD83D\uDE00-\uFFFD", "NAME"))
                .hasMessageContaining("character 3 is U+FFFD");
        assertThatThrownBy(() -> Names.requireText("ab\uD800", "NAME"))
                .hasMessageContaining("character 3 is a lone surrogate (U+D800)");
    }
}
