package io.cdrpipeline.retention;

/**
 * The shapes of keys on the control topics. Subject tokens are 128 bits in unpadded base64url
 * (22 characters of {@code A-Z a-z 0-9 - _}); keys the pipeline reserves start with
 * {@code cdr-pipeline#} — {@code #} is in no token, account or hold id — and are never mirrored:
 * keep-alives ({@link KeepAlive}), the erasure sealing key, and requests filed for the pipeline to
 * resolve ({@code cdr-pipeline#request#<request id>}).
 */
public final class ControlKeys {

    /** Every reserved key starts with this. */
    public static final String RESERVED = "cdr-pipeline#";
    /** The key under which the pipeline publishes the public key that erasure subjects are sealed to. */
    public static final String SEALING_KEY = RESERVED + "erasure-sealing-key";
    private static final String REQUEST = RESERVED + "request#";

    private ControlKeys() {
    }

    public static boolean isReserved(String key) {
        return key.startsWith(RESERVED);
    }

    /** Whether {@code key} has the shape of a subject token. */
    public static boolean isToken(String key) {
        if (key.length() != 22) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /** The key of a request filed for the pipeline to resolve (its subject sealed, no token yet). */
    public static String sealedRequest(String requestId) {
        return REQUEST + requestId;
    }

    public static boolean isSealedRequest(String key) {
        return key != null && key.startsWith(REQUEST);
    }
}
