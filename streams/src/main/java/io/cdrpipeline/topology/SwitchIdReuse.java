package io.cdrpipeline.topology;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Notices a switch id reused by a different CDR (an Asterisk channel's forked Dial, a re-generated
 * FreeSWITCH file): the switch identity part of a record id ({@code source:id}, without the facts
 * digest) seen before with another record id. It remembers the most recent switch ids of its
 * task in memory (CDRs sharing an id arrive together and share a partition); after a restart, or
 * beyond that many ids, a reuse goes unflagged — the record keeps its own key either way, so the
 * flag informs, it never decides what is billed.
 */
final class SwitchIdReuse {

    static final int DEFAULT_CAPACITY = 100_000;
    private static final int DIGEST_HEX = 12;

    private final Map<String, String> recent;

    SwitchIdReuse(int capacity) {
        this.recent = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Whether another record id with this record id's switch identity was seen; remembers this one. */
    boolean reused(String recordId) {
        String identity = switchIdentity(recordId);
        if (identity == null) {
            return false;
        }
        String before = recent.put(identity, recordId);
        return before != null && !before.equals(recordId);
    }

    /** {@code source:id} of {@code source:id~digest}; null for ids without a facts digest. */
    static String switchIdentity(String recordId) {
        int tilde = recordId.lastIndexOf('~');
        if (tilde < 0 || recordId.length() - tilde - 1 != DIGEST_HEX) {
            return null;
        }
        for (int i = tilde + 1; i < recordId.length(); i++) {
            char c = recordId.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return null;
            }
        }
        return recordId.substring(0, tilde);
    }
}
