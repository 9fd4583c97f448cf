package io.cdrpipeline.config;

import io.cdrpipeline.ingest.TemplateColumns;
import java.util.Set;

/** The known name closest to a mistyped one, for "did you mean" messages; null when none is close. */
final class NearestName {

    private NearestName() {
    }

    static String of(String name, Set<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = TemplateColumns.distance(k, name);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return bestDistance <= Math.max(3, name.length() / 4) ? best : null;
    }
}
