package io.cdrpipeline.schema;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * The compatibility rule of our contracts: a candidate schema must be both backward compatible
 * (it reads what every released version wrote) and forward compatible (every released version
 * reads what it writes), because old and new consumers of a topic run side by side.
 */
public final class Compatibility {

    private Compatibility() {
    }

    /** Human-readable problems; empty when the candidate is fully compatible with all released versions. */
    public static List<String> problems(Schema candidate, List<Schema> released) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < released.size(); i++) {
            Schema old = released.get(i);
            check(problems, "backward: cannot read v" + (i + 1), candidate, old);
            check(problems, "forward: v" + (i + 1) + " cannot read", old, candidate);
        }
        return problems;
    }

    private static void check(List<String> problems, String what, Schema reader, Schema writer) {
        var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
            problems.add(what + ": " + result.getResult().getIncompatibilities());
        }
    }
}
