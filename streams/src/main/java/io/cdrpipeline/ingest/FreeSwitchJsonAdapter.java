package io.cdrpipeline.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdrpipeline.schema.LegRole;
import java.util.Map;
import java.util.function.Function;

/**
 * FreeSWITCH {@code mod_json_cdr}: one JSON document per call leg. Values come from
 * {@code variables} (URL-encoded by the default {@code encode-values=true}; decoded here when
 * they are), then from the newest {@code callflow} caller profile and its {@code times}. Older
 * FreeSWITCH versions write {@code callflow} as an object instead of an array; both are read.
 */
public final class FreeSwitchJsonAdapter implements CdrAdapter {

    /** Our epoch variable names to the callflow {@code times} member carrying the same instant (µs). */
    private static final Map<String, String> CALLFLOW_TIMES = Map.of(
            "start_uepoch", "created_time", "answer_uepoch", "answered_time", "end_uepoch", "hangup_time");

    @Override
    public CdrFormat format() {
        return CdrFormat.FREESWITCH_JSON;
    }

    @Override
    public SwitchCdr parse(String text, SourceSettings source) throws RejectedCdr {
        ObjectNode doc = JsonDocs.object(text);
        JsonNode variables = doc.get("variables");
        JsonNode callflow = doc.get("callflow");
        JsonNode flow = callflow != null && callflow.isArray() ? callflow.get(0) : callflow;
        JsonNode profile = flow == null ? null : flow.get("caller_profile");
        JsonNode times = flow == null ? null : flow.get("times");
        if ((variables == null || !variables.isObject()) && profile == null) {
            throw new RejectedCdr(RejectReason.MISSING_FIELD, "mod_json_cdr document has no variables or callflow");
        }
        Function<String, String> vars = name -> {
            String v = JsonDocs.text(variables, name);
            if (v == null) {
                v = JsonDocs.text(profile, name);
            }
            if (v == null && CALLFLOW_TIMES.containsKey(name)) {
                v = JsonDocs.text(times, CALLFLOW_TIMES.get(name));
            }
            if (v == null && name.equals("direction")) {
                v = JsonDocs.text(doc.get("channel_data"), "direction");
            }
            return JsonDocs.percentDecoded(v);
        };
        return FreeSwitchFields.toSwitchCdr(vars, source, LegRole.UNKNOWN);
    }
}
