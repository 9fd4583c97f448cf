package io.cdrpipeline.ingest;

import io.cdrpipeline.schema.LegRole;
import java.util.Locale;
import java.util.function.Function;

/**
 * FreeSWITCH channel variables to a {@link SwitchCdr}, whether they came from a mod_cdr_csv
 * template or a mod_json_cdr document. Epoch fields win over the local-time stamps (no DST
 * guesswork), microsecond epochs over second epochs; "0" means "never happened" (unanswered).
 * The a-leg is {@code direction=inbound} (the call coming into the switch): originating.
 */
final class FreeSwitchFields {

    private FreeSwitchFields() {
    }

    static SwitchCdr toSwitchCdr(Function<String, String> vars, SourceSettings source, LegRole defaultLeg)
            throws RejectedCdr {
        Long duration = Fields.seconds(vars, "duration");
        Long billsec = Fields.seconds(vars, "billsec");
        Stamp.CallTimes times = Stamp.resolveCall(stamp(vars, "start"), stamp(vars, "answer"), stamp(vars, "end"),
                duration, billsec, source.zone());
        duration = times.durationOr(duration);
        billsec = times.billableOr(billsec);
        String cause = HangupCauses.name(vars.apply("hangup_cause"));
        boolean answered = times.answer() != null || billsec > 0;
        String uuid = Fields.text(vars.apply("uuid"));
        String originating = Fields.text(vars.apply("originating_leg_uuid"));
        return new SwitchCdr(
                uuid,
                Fields.text(vars.apply("accountcode")),
                first(vars, "caller_id_number", "effective_caller_id_number", "sip_from_user", "ani"),
                first(vars, "destination_number", "sip_to_user", "sip_req_user", "dialed_user"),
                times.start(), times.answer(), times.end(),
                duration, billsec,
                HangupCauses.disposition(cause, answered),
                cause,
                HangupCauses.q850(cause, Fields.smallInt(vars, "hangup_cause_q850")),
                legRole(vars.apply("direction"), defaultLeg),
                originating != null ? originating : uuid);
    }

    private static Stamp stamp(Function<String, String> vars, String event) throws RejectedCdr {
        Stamp s = Stamp.parseEpoch(vars.apply(event + "_uepoch"), true, event + "_uepoch");
        if (s == null && Fields.text(vars.apply(event + "_uepoch")) == null) {
            s = Stamp.parseEpoch(vars.apply(event + "_epoch"), false, event + "_epoch");
        }
        if (s == null && Fields.text(vars.apply(event + "_uepoch")) == null
                && Fields.text(vars.apply(event + "_epoch")) == null) {
            s = Stamp.parseText(vars.apply(event + "_stamp"), event + "_stamp");
        }
        return s;
    }

    private static String first(Function<String, String> vars, String... names) {
        for (String n : names) {
            String v = Fields.text(vars.apply(n));
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private static LegRole legRole(String direction, LegRole defaultLeg) {
        String d = Fields.text(direction);
        if (d == null) {
            return defaultLeg;
        }
        return switch (d.toLowerCase(Locale.ROOT)) {
            case "inbound" -> LegRole.ORIGINATING;
            case "outbound" -> LegRole.TERMINATING;
            default -> defaultLeg;
        };
    }
}
