package dev.locksmith.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.locksmith.TimeSource;
import dev.locksmith.spi.BackendContext;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * No error of the provider shows a password, in any form a URI can carry one (nothing listens on
 * port 1, so the URIs that parse fail to connect). Each of these printed the password before.
 */
class RedisPasswordMaskingTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "redis://lsuser:lspw@127.0.0.1:1/abc | lspw",
                "redis://secretpw@127.0.0.1:1/abc | secretpw",
                "redis://secretpw@127.0.0.1:1 | secretpw",
                "redis://lsuser:ls@pw@127.0.0.1:1/abc | ls@pw",
                "redis://lsuser:ls@pw@127.0.0.1:1/1/2 | ls@pw",
                "redis://lsuser:lspw@127.0.0.1:99999 | lspw",
                "redis://lsuser:lspw@127.0.0.1:1?keyPrefix=a&keyPrefix=b | lspw",
                "redis:lsuser:lspw@127.0.0.1 | lspw",
                "http://lsuser:lspw@127.0.0.1 | lspw",
                "redis-sentinel://lsuser:lspw@127.0.0.1:1 | lspw",
                "rediss://127.0.0.1:1?trustStorePassword=hunter2&trustStorePassword=x | hunter2",
                "rediss://127.0.0.1:1/abc?keyStorePassword=hunter2 | hunter2",
            })
    void noErrorShowsThePassword(String uri, String password) {
        Throwable t = catchThrowable(() -> new RedisBackendProvider()
                .open(URI.create(uri), new BackendContext(TimeSource.system(), Duration.ofMillis(500))));
        assertThat(t).isNotNull();
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            assertThat(String.valueOf(c.getMessage())).doesNotContain(password);
        }
    }
}
