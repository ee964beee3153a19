package dev.locksmith.spi.support;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks passwords as {@value #MASK} in text that may hold a store URI or JDBC URL, so that no error
 * message or log line shows one. Every message that quotes a URI goes through here.
 *
 * <p>What is masked:
 *
 * <ul>
 *   <li>the password of {@code scheme://user:password@host}: {@code scheme://user:***@host}. A raw
 *       {@code @} inside the password is allowed for: the user information runs to the last {@code @}
 *       before the query ({@code redis://u:p@ss@host} becomes {@code redis://u:***@host});
 *   <li>user information without a colon ({@code redis://PASSWORD@host}, Redis's password-only form,
 *       or a token as in {@code nats://TOKEN@host}): all of it, except for schemes where it is known
 *       to be a user name (PostgreSQL, MySQL, MariaDB, MongoDB, SSH);
 *   <li>parameters whose name ends in {@code password}, {@code passwd} or {@code pwd}, any case, after
 *       {@code ?}, {@code &}, {@code ;} (H2, SQL Server), {@code (} (MySQL's address form), a comma or
 *       white space: {@code ?user=u&password=***}, {@code ;PASSWORD=***}, {@code &trustStorePassword=***};
 *   <li>Oracle's {@code jdbc:oracle:thin:user/password@host}.
 * </ul>
 *
 * <p>Masking a user name too is harmless, leaking a password is not: where the form is unclear, more
 * is masked. All methods are static and thread-safe; {@code null} gives {@code null}.
 */
public final class Redaction {
    /** What a password is replaced with. */
    public static final String MASK = "***";

    /** Schemes whose user information without a colon is a user name, not a secret. */
    private static final Set<String> USER_NAME_SCHEMES =
            Set.of("postgresql", "postgres", "mysql", "mariadb", "mongodb", "mongodb+srv", "ssh", "sftp");

    private static final Pattern SCHEME_START =
            Pattern.compile("[A-Za-z][A-Za-z0-9+.\\-]*(?::[A-Za-z][A-Za-z0-9+.\\-]*)*://");

    private static final String PARAMETER_NAME = "(?i)(^|[?&;(,\\s])([A-Za-z0-9_.\\-]*(?:password|passwd|pwd))=";

    /** A password parameter among other words: the value ends at white space or a quote too. */
    private static final Pattern PASSWORD_IN_TEXT = Pattern.compile(PARAMETER_NAME + "([^&;\\s'\"`<>]+)");

    /** A password parameter in a URI: the value ends only where the next parameter starts. */
    private static final Pattern PASSWORD_IN_URI = Pattern.compile(PARAMETER_NAME + "([^&;]+)");

    private static final Pattern ORACLE =
            Pattern.compile("(?i)(jdbc:oracle:[a-z0-9]+:[^/@\\s'\"`<>:]+/)[^\\s'\"`<>]*@");

    private Redaction() {}

    /**
     * {@code text} with the password of every URI-looking part, and every password parameter, masked.
     * For messages that quote a URI among other words.
     */
    public static String mask(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(text.length());
        Matcher m = SCHEME_START.matcher(text);
        int copied = 0;
        int searchFrom = 0;
        while (searchFrom < text.length() && m.find(searchFrom)) {
            int bodyStart = m.end();
            int bodyEnd = bodyStart;
            while (bodyEnd < text.length() && !endsToken(text.charAt(bodyEnd))) {
                bodyEnd++;
            }
            out.append(text, copied, bodyStart);
            out.append(maskUserInfo(scheme(m.group()), text.substring(bodyStart, bodyEnd)));
            copied = bodyEnd;
            searchFrom = Math.max(bodyEnd, bodyStart);
        }
        out.append(text, copied, text.length());
        return maskParameters(out.toString(), PASSWORD_IN_TEXT);
    }

    /**
     * {@code text} masked as {@link #mask(String)} does, after every occurrence of {@code uri} (the
     * URI a store was given, which the text may quote) is replaced by {@link #maskUri maskUri(uri)}:
     * this also hides passwords that hold white space or quotes, which end a URI among other words.
     *
     * @param uri the URI the caller knows of; null for none
     */
    public static String mask(String text, String uri) {
        if (text == null) {
            return null;
        }
        if (uri == null || uri.isEmpty() || !text.contains(uri)) {
            return mask(text);
        }
        // the URI is set aside while the rest is masked, so that what follows it in the text is not
        // taken for the rest of its password
        String placeholder = "\u0000uri\u0000";
        return mask(text.replace(uri, placeholder)).replace(placeholder, maskUri(uri));
    }

    /**
     * {@code uri}, the whole of which is one URI or JDBC URL, with its password masked. Unlike {@link
     * #mask}, white space or quotes do not end the URI.
     */
    public static String maskUri(String uri) {
        if (uri == null) {
            return null;
        }
        Matcher m = SCHEME_START.matcher(uri);
        String masked = uri;
        if (m.lookingAt()) {
            masked = m.group() + maskUserInfo(scheme(m.group()), uri.substring(m.end()));
        }
        return maskParameters(masked, PASSWORD_IN_URI);
    }

    private static boolean endsToken(char c) {
        return Character.isWhitespace(c) || c == '\'' || c == '"' || c == '`' || c == '<' || c == '>';
    }

    /** The last part of {@code jdbc:postgresql://}, lower case: {@code postgresql}. */
    private static String scheme(String schemeAndSlashes) {
        String s = schemeAndSlashes.substring(0, schemeAndSlashes.length() - 3);
        return s.substring(s.lastIndexOf(':') + 1).toLowerCase(Locale.ROOT);
    }

    /** {@code body} (what follows {@code ://}) with the secret in its user information masked. */
    private static String maskUserInfo(String scheme, String body) {
        int query = firstOf(body, "?#");
        int at = query == 0 ? -1 : body.lastIndexOf('@', query - 1);
        if (at < 0) {
            // a raw '?' or '#' in a password: an '@' further on still ends the user information when
            // what comes before it cannot be a host, path and query
            for (int i = body.lastIndexOf('@'); i > query; i = body.lastIndexOf('@', i - 1)) {
                if (firstOf(body.substring(0, i), "/=&") == i) {
                    at = i;
                    break;
                }
            }
        }
        if (at <= 0) {
            return body;
        }
        String userInfo = body.substring(0, at);
        if (userInfo.indexOf(';') >= 0 && userInfo.indexOf('=') >= 0) {
            // ;key=value parameters (H2, SQL Server) with an '@' in a value: the parameters mask it
            return body;
        }
        int colon = userInfo.indexOf(':');
        String shown;
        if (colon >= 0) {
            shown = userInfo.substring(0, colon + 1) + MASK;
        } else if (USER_NAME_SCHEMES.contains(scheme)) {
            shown = userInfo;
        } else {
            shown = MASK;
        }
        return shown + body.substring(at);
    }

    /** The index of the first of {@code chars} in {@code s}, or {@code s.length()} if none is there. */
    private static int firstOf(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return s.length();
    }

    private static String maskParameters(String text, Pattern passwordParameter) {
        String masked = passwordParameter.matcher(text).replaceAll(m -> {
            String value = m.group(3);
            // masked already, followed by punctuation of the message: keep the punctuation
            boolean done = value.startsWith(MASK)
                    && (value.length() == MASK.length() || ")]:,.".indexOf(value.charAt(MASK.length())) >= 0);
            return Matcher.quoteReplacement(m.group(1) + m.group(2) + "=" + (done ? value : MASK));
        });
        return ORACLE.matcher(masked).replaceAll("$1" + Matcher.quoteReplacement(MASK) + "@");
    }
}
