package io.cdrpipeline.app;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.regex.Pattern;

/** How errors are told to operators: the message and its cause chain, without a stack trace. */
public final class ErrorText {

    private ErrorText() {
    }

    /**
     * Six or more digits in a row (spaces or dashes between them allowed): what a phone number looks
     * like. Third-party messages may quote their input (a JSON parser quotes the document it choked on),
     * so the causes' messages are masked before they reach a log line or the terminal.
     */
    private static final Pattern NUMBER_LIKE = Pattern.compile("\\+?\\d(?:[ -]?\\d){5,}");

    /**
     * The message of an error and of every cause under it, one per line ("No space left on device"
     * is usually the last); exception classes are named for causes only, and no stack trace. Runs of
     * six or more digits in the causes' messages are masked ({@code ######}): no third-party message
     * carries a phone number out (our own top-level messages never hold one, and keep file paths whole).
     */
    public static String describe(Throwable e) {
        StringBuilder out = new StringBuilder(e.getMessage() == null ? e.getClass().getName() : e.getMessage());
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        seen.add(e);
        String last = e.getMessage();
        for (Throwable c = e.getCause(); c != null && seen.add(c); c = c.getCause()) {
            String m = c.getMessage();
            if (m != null && last != null && last.contains(m)) {
                continue;                        // a wrapper that repeats its cause adds nothing
            }
            out.append(System.lineSeparator()).append("  caused by: ").append(c.getClass().getName())
                    .append(m == null ? "" : ": " + NUMBER_LIKE.matcher(m).replaceAll("######"));
            last = m;
        }
        return out.toString();
    }
}
