package io.cdrpipeline.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdrpipeline.schema.Disposition;
import io.cdrpipeline.schema.LegRole;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Function;

/**
 * Our own JSON form for sources without a native adapter. Members: {@code id, account, calling,
 * called, start, answer, end} (ISO-8601 text, local text in the source zone, or epoch
 * milliseconds as a number), {@code duration, billsec} (seconds; derived from the times when
 * absent), {@code disposition, hangupCause, q850, leg, callId}. Unknown members are ignored.
 */
public final class CanonicalJsonAdapter implements CdrAdapter {

    @Override
    public CdrFormat format() {
        return CdrFormat.CANONICAL_JSON;
    }

    @Override
    public SwitchCdr parse(String text, SourceSettings source) throws RejectedCdr {
        ObjectNode doc = JsonDocs.object(text);
        Function<String, String> field = name -> JsonDocs.text(doc, name);
        Long duration = Fields.seconds(field, "duration");
        Long billsec = Fields.seconds(field, "billsec");
        Stamp.CallTimes times = Stamp.resolveCall(stamp(doc, "start"), stamp(doc, "answer"), stamp(doc, "end"),
                duration, billsec, source.zone());
        duration = times.durationOr(duration);
        billsec = times.billableOr(billsec);
        String cause = HangupCauses.name(field.apply("hangupCause"));
        Disposition disposition = field.apply("disposition") != null
                ? AsteriskFields.disposition(field.apply("disposition"))
                : HangupCauses.disposition(cause, billsec > 0);
        String id = SwitchIds.clean(field.apply("id"));
        String callId = SwitchIds.clean(field.apply("callId"));
        String facts = SwitchCdr.facts(field.apply("start"), field.apply("answer"), field.apply("end"),
                field.apply("calling"), field.apply("called"), field.apply("duration"), field.apply("billsec"),
                field.apply("disposition"), field.apply("hangupCause"));
        return new SwitchCdr(id, null, facts, Fields.text(field.apply("account")), field.apply("calling"),
                field.apply("called"), times.start(), times.answer(), times.end(), duration, billsec, disposition, cause,
                HangupCauses.q850(cause, Fields.smallInt(field, "q850")), leg(field.apply("leg")),
                callId != null ? callId : id, null);
    }

    private static Stamp stamp(ObjectNode doc, String name) throws RejectedCdr {
        JsonNode v = doc.get(name);
        if (v != null && v.isIntegralNumber()) {
            return Stamp.absolute(Instant.ofEpochMilli(v.asLong()), name);
        }
        return Stamp.parseText(JsonDocs.text(doc, name), name);
    }

    private static LegRole leg(String value) {
        String v = Fields.text(value);
        if (v == null) {
            return LegRole.UNKNOWN;
        }
        return switch (v.toUpperCase(Locale.ROOT)) {
            case "ORIGINATING", "A", "INBOUND" -> LegRole.ORIGINATING;
            case "TERMINATING", "B", "OUTBOUND" -> LegRole.TERMINATING;
            default -> LegRole.UNKNOWN;
        };
    }
}
