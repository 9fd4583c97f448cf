package io.cdrpipeline.ingest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Switch-given identifiers (uniqueid, uuid, linkedid, a SIP Call-ID) as they may appear in a
 * record id or in {@code switchCallId}: a Call-ID's {@code @host} part (often an IP address) is
 * dropped, and an id that is not a plain token (free text, over 128 characters) is replaced by
 * a digest of it, so that billing never carries free text in an id field.
 */
public final class SwitchIds {

    private SwitchIds() {
    }

    /** The cleaned id, or null when there is none. */
    public static String clean(String id) {
        String s = Fields.text(id);
        if (s == null) {
            return null;
        }
        int at = s.indexOf('@');
        if (at > 0) {
            s = s.substring(0, at);
        }
        if (isToken(s)) {
            return s;
        }
        return "h-" + HexFormat.of().formatHex(sha256(s), 0, 16);
    }

    /** {@code [A-Za-z0-9._:~+=-]{1,128}}, without a regex: this runs for every record. */
    private static boolean isToken(String s) {
        if (s.length() > 128) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == ':' || c == '~' || c == '+' || c == '=' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK without SHA-256", e);
        }
    }
}
