package io.cdrpipeline.produce;

import io.cdrpipeline.ingest.CdrFormat;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Who may post CDRs to the HTTP ingest, and for which switch. Each credential is bound to one
 * source and one format: a poster cannot choose another (one leaked password injects CDRs for one
 * switch, not for every switch). Kept as SHA-256 digests of {@code user NUL password}; every
 * attempt is compared with every entry in constant time ({@link MessageDigest#isEqual}), so
 * neither a wrong password nor a wrong user name answers faster.
 *
 * <p>File format, one credential a line ({@code #} starts a comment):
 * {@code user:password:source[:format]} — format defaults to {@code freeswitch-json}; a {@code :} or
 * {@code \} inside a field is written {@code \:} or {@code \\}, so a password can hold any character.
 * A password has at least {@value #MIN_PASSWORD} characters, {@value #MIN_DISTINCT} of them distinct.
 */
public final class IngestCredentials {

    /** What an authenticated poster may post: CDRs of this source, in this format. */
    public record Binding(String user, String source, CdrFormat format) {
    }

    private record Entry(byte[] digest, Binding binding) {
    }

    static final int MIN_PASSWORD = 12;
    static final int MIN_DISTINCT = 5;

    private final List<Entry> entries;

    private IngestCredentials(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** One credential ({@code user:password}) bound to a source and format. */
    public static IngestCredentials single(String userColonPassword, String source, CdrFormat format) {
        int colon = userColonPassword.indexOf(':');
        if (colon <= 0 || colon == userColonPassword.length() - 1) {
            throw new IllegalArgumentException("ingest.http.credentials must be user:password");
        }
        String password = userColonPassword.substring(colon + 1);
        requireStrong(password, "ingest.http.credentials");
        return new IngestCredentials(List.of(entry(userColonPassword.substring(0, colon), password, source, format)));
    }

    /** Parses a credentials file's text; {@code origin} names it in messages (never a password). */
    public static IngestCredentials parse(String text, String origin) {
        List<Entry> out = new ArrayList<>();
        Set<String> users = new HashSet<>();
        String[] lines = text.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = origin + " line " + (i + 1);
            String[] f = fields(line, where);
            if (f.length < 3 || f.length > 4 || f[0].isBlank() || f[1].isEmpty() || f[2].isBlank()) {
                throw new IllegalArgumentException(where + ": expected user:password:source[:format]");
            }
            if (!f[2].matches("[A-Za-z0-9._-]{1,128}")) {
                throw new IllegalArgumentException(where + ": source must be 1-128 of [A-Za-z0-9._-]");
            }
            CdrFormat format = f.length == 4 ? CdrFormat.parse(f[3]).orElseThrow(() ->
                    new IllegalArgumentException(where + ": unknown format; known: " + CdrFormat.names()))
                    : CdrFormat.FREESWITCH_JSON;
            if (!users.add(f[0])) {
                throw new IllegalArgumentException(where + ": user '" + f[0] + "' appears twice");
            }
            requireStrong(f[1], where);
            out.add(entry(f[0], f[1], f[2], format));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(origin + ": no credentials (user:password:source[:format] lines)");
        }
        return new IngestCredentials(out);
    }

    /** The fields of a line split at unescaped {@code :} ({@code \:} is a colon, {@code \\} a backslash). */
    private static String[] fields(String line, String where) {
        List<String> out = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\') {
                if (i + 1 == line.length() || line.charAt(i + 1) != ':' && line.charAt(i + 1) != '\\') {
                    throw new IllegalArgumentException(where + ": a backslash escapes only ':' or itself (\\: or \\\\)");
                }
                f.append(line.charAt(++i));
            } else if (c == ':') {
                out.add(f.toString());
                f.setLength(0);
            } else {
                f.append(c);
            }
        }
        out.add(f.toString());
        return out.toArray(String[]::new);
    }

    /** A password an attacker does not guess in an afternoon: long enough, not one repeated character. */
    private static void requireStrong(String password, String where) {
        if (password.length() < MIN_PASSWORD || password.chars().distinct().count() < MIN_DISTINCT) {
            throw new IllegalArgumentException(where + ": the password is too weak (at least " + MIN_PASSWORD
                    + " characters, " + MIN_DISTINCT + " of them distinct; e.g. openssl rand -base64 24)");
        }
    }

    private static Entry entry(String user, String password, String source, CdrFormat format) {
        return new Entry(digest(user + "\0" + password), new Binding(user, source, format));
    }

    /** The binding of the credential an {@code Authorization: Basic …} header carries, if it is one of ours. */
    public Optional<Binding> authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        byte[] given = digest(colon < 0 ? decoded : decoded.substring(0, colon) + "\0" + decoded.substring(colon + 1));
        Binding match = null;
        for (Entry e : entries) {                  // no early exit: every attempt costs the same
            if (MessageDigest.isEqual(given, e.digest())) {
                match = e.binding();
            }
        }
        return Optional.ofNullable(match);
    }

    /** The sources credentials post for. */
    public Set<String> sources() {
        return entries.stream().map(e -> e.binding().source()).collect(Collectors.toCollection(TreeSet::new));
    }

    public int size() {
        return entries.size();
    }

    private static byte[] digest(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
