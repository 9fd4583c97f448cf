package io.cdrpipeline.app;

/** How errors are told to operators: the message and its cause chain, without a stack trace. */
public final class Causes {

    private Causes() {
    }

    /**
     * Six or more digits in a row (spaces or dashes between them allowed): what a phone number looks
     * like. Third-party messages may quote their input (a JSON parser quotes the document it choked on),
     * so every message is masked before it reaches a log line or the terminal.
     */
    private static final java.util.regex.Pattern NUMBER_LIKE = java.util.regex.Pattern.compile("\\+?\\d(?:[ -]?\\d){5,}");

    /**
     * The message of an error and of every cause under it, one per line ("No space left on device"
     * is usually the last); exception classes are named for causes only, and no stack trace. Runs of
     * six or more digits are masked ({@code ######}): no message may carry a phone number.
     */
    public static String describe(Throwable e) {
        return NUMBER_LIKE.matcher(chain(e)).replaceAll("######");
    }

    private static String chain(Throwable e) {
        StringBuilder out = new StringBuilder(e.getMessage() == null ? e.getClass().getName() : e.getMessage());
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        seen.add(e);
        String last = e.getMessage();
        for (Throwable c = e.getCause(); c != null && seen.add(c); c = c.getCause()) {
            String m = c.getMessage();
            if (m != null && last != null && last.contains(m)) {
                continue;                        // a wrapper that repeats its cause adds nothing
            }
            out.append(System.lineSeparator()).append("  caused by: ").append(c.getClass().getName())
                    .append(m == null ? "" : ": " + m);
            last = m;
        }
        return out.toString();
    }
}
