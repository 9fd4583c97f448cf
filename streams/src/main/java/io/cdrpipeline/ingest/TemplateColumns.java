package io.cdrpipeline.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.Locale;

/**
 * Reads the column layout of a template-driven source from what the operator pastes: a line of
 * Asterisk's {@code cdr_custom.conf} ({@code Master.csv => ${CSV_QUOTE(${CDR(clid)})},...}), a
 * FreeSWITCH {@code mod_cdr_csv} template ({@code "${caller_id_name}","${caller_id_number}",...}),
 * or a plain list of variable names. Validates it for the format: Asterisk CDR variables must be
 * ones Asterisk has (a typo stops the start, naming the column); FreeSWITCH may log any channel
 * variable, so only the syntax is checked; both need the call's start and end. A column written
 * {@code _} is ignored. Messages name columns and variables, never data.
 */
public final class TemplateColumns {

    /** Every variable Asterisk's CDR() function gives (cdr.c), in cdr_csv order. */
    public static final Set<String> ASTERISK_VARIABLES = Set.of("accountcode", "src", "dst", "dcontext", "clid",
            "channel", "dstchannel", "lastapp", "lastdata", "start", "answer", "end", "duration", "billsec",
            "disposition", "amaflags", "uniqueid", "userfield", "peeraccount", "linkedid", "sequence");
    private static final Pattern ASTERISK_CDR = Pattern.compile("\\$\\{CDR\\(\\s*([^,)\\s]*)\\s*(?:,[^)]*)?\\)\\}");
    private static final Pattern DOLLAR_VAR = Pattern.compile("\\$\\{([^}]*)\\}");
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Set<String> FS_START = Set.of("start_stamp", "start_epoch", "start_uepoch");
    private static final Set<String> FS_END = Set.of("end_stamp", "end_epoch", "end_uepoch");

    private TemplateColumns() {
    }

    /** The variable names, in column order, or an exception whose message names the bad column. */
    public static List<String> parse(String template, CdrFormat format) {
        String t = template.strip();
        int arrow = t.indexOf("=>");
        if (arrow >= 0 && !t.substring(0, arrow).contains("$")) {
            t = t.substring(arrow + 2).strip();
        }
        if (t.startsWith("<template") && t.contains(">")) {
            t = t.substring(t.indexOf('>') + 1);
            int close = t.lastIndexOf("</template>");
            t = close >= 0 ? t.substring(0, close) : t;
        }
        List<String> columns = new ArrayList<>();
        List<String> cells = splitTopLevel(t);
        for (int i = 0; i < cells.size(); i++) {
            columns.add(variable(cells.get(i).strip(), i + 1, format));
        }
        validate(columns, format);
        return List.copyOf(columns);
    }

    private static String variable(String cell, int column, CdrFormat format) {
        String c = cell;
        if (c.length() >= 2 && c.startsWith("\"") && c.endsWith("\"")) {
            c = c.substring(1, c.length() - 1).strip();
        }
        if (c.equals("_")) {
            return "_";
        }
        Matcher cdr = ASTERISK_CDR.matcher(c);
        if (cdr.find()) {
            String name = cdr.group(1);
            if (format != CdrFormat.ASTERISK_CUSTOM) {
                throw new IllegalArgumentException("column " + column + " is an Asterisk ${CDR(...)} variable, but the format is " + format);
            }
            return name;
        }
        Matcher v = DOLLAR_VAR.matcher(c);
        if (v.find()) {
            String name = v.group(1).strip();
            if (format == CdrFormat.ASTERISK_CUSTOM) {
                throw new IllegalArgumentException("column " + column + " ('${" + name + "}') is not a ${CDR(...)} variable;"
                        + " write it as _ to ignore it");
            }
            return name;
        }
        if (c.contains("$") || c.contains("{") || c.contains("(")) {
            throw new IllegalArgumentException("column " + column + " cannot be read: expected ${CDR(name)}, ${name} or a name");
        }
        return c;
    }

    private static void validate(List<String> columns, CdrFormat format) {
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("the template has no columns");
        }
        for (int i = 0; i < columns.size(); i++) {
            String name = columns.get(i);
            if (name.equals("_")) {
                continue;
            }
            if (!PLAIN_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("column " + (i + 1) + " has no variable name");
            }
            if (format == CdrFormat.ASTERISK_CUSTOM && !ASTERISK_VARIABLES.contains(name)) {
                throw new IllegalArgumentException("column " + (i + 1) + ": '" + name + "' is not an Asterisk CDR variable"
                        + nearest(name) + " (write _ to ignore a column)");
            }
        }
        if (format == CdrFormat.ASTERISK_CUSTOM) {
            require(columns, Set.of("start"), "start");
            require(columns, Set.of("end"), "end");
        } else {
            require(columns, FS_START, "start_stamp, start_epoch or start_uepoch");
            require(columns, FS_END, "end_stamp, end_epoch or end_uepoch");
        }
    }

    private static void require(List<String> columns, Set<String> anyOf, String what) {
        if (columns.stream().noneMatch(anyOf::contains)) {
            throw new IllegalArgumentException("the template has no column for the call's " + what);
        }
    }

    private static String nearest(String name) {
        String best = null;
        int bestDistance = 3;
        for (String known : ASTERISK_VARIABLES) {
            int d = distance(known, name.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = known;
            }
        }
        return best == null ? "" : "; did you mean '" + best + "'?";
    }

    /** Splits on commas outside {@code ${...}}, parentheses and double quotes. */
    private static List<String> splitTopLevel(String s) {
        List<String> cells = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        int from = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '{' || c == '(') {
                depth++;
            } else if ((c == '}' || c == ')') && depth > 0) {
                depth--;
            } else if (c == ',' && depth == 0 && !quoted) {
                cells.add(s.substring(from, i));
                from = i + 1;
            }
        }
        cells.add(s.substring(from));
        return cells;
    }

    /** Levenshtein distance, for "did you mean" suggestions of setting and column names. */

    public static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            int[] cur = new int[b.length() + 1];
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1),
                        prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            prev = cur;
        }
        return prev[b.length()];
    }
}
