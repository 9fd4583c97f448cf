package io.cdrpipeline.cli;

/**
 * A case reference kept with an erasure request or a legal hold: an id that points to the
 * operator's own records, never free text (a reason typed into a topic that is kept for years
 * would keep whatever personal data someone typed).
 */
final class CaseReferences {

    private CaseReferences() {
    }

    /** The reference, or null when none; an exception naming the rule when it is not an id. */
    static String check(String ref) {
        if (ref == null || ref.isBlank()) {
            return null;
        }
        String r = ref.strip();
        if (!r.matches("[A-Za-z0-9._:/-]{1,64}")) {
            throw new IllegalArgumentException("--case must be an id of 1-64 of A-Z a-z 0-9 . _ : / - (no spaces, no free text)");
        }
        return r;
    }
}
