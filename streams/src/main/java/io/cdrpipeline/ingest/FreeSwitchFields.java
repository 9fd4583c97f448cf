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
        String uuid = SwitchIds.clean(vars.apply("uuid"));
        String originating = SwitchIds.clean(vars.apply("originating_leg_uuid"));
        String facts = SwitchCdr.facts(raw(vars, "start"), raw(vars, "answer"), raw(vars, "end"),
                vars.apply("caller_id_number"), vars.apply("destination_number"), vars.apply("bleg_uuid"),
                vars.apply("duration"), vars.apply("billsec"), vars.apply("hangup_cause"));
        return new SwitchCdr(
                uuid,
                null,
                facts,
                Fields.text(vars.apply("accountcode")),
                firstParty(vars, "caller_id_number", "effective_caller_id_number", "sip_from_user", "ani"),
                firstParty(vars, "destination_number", "sip_to_user", "sip_req_user", "dialed_user"),
                times.start(), times.answer(), times.end(),
                duration, billsec,
                HangupCauses.disposition(cause, answered),
                cause,
                HangupCauses.q850(cause, Fields.smallInt(vars, "hangup_cause_q850")),
                legRole(vars.apply("direction"), defaultLeg),
                originating != null ? originating : uuid,
                zoneSkew(vars, source));
    }

    /** The first of the event's time fields the record has, as written. */
    private static String raw(Function<String, String> vars, String event) {
        for (String suffix : new String[] {"_uepoch", "_epoch", "_stamp"}) {
            String v = Fields.text(vars.apply(event + suffix));
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    /** Local start stamp read in the configured zone, minus the switch's epoch for the same moment. */
    private static Long zoneSkew(Function<String, String> vars, SourceSettings source) {
        try {
            Stamp epoch = Stamp.parseEpoch(vars.apply("start_uepoch"), true, "start_uepoch");
            if (epoch == null) {
                epoch = Stamp.parseEpoch(vars.apply("start_epoch"), false, "start_epoch");
            }
            Stamp local = Stamp.parseText(vars.apply("start_stamp"), "start_stamp");
            if (epoch == null || local == null || local.local() == null) {
                return null;
            }
            return local.local().atZone(source.zone()).toEpochSecond() - epoch.absolute().getEpochSecond();
        } catch (RejectedCdr e) {
            return null;
        }
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

    /** The first candidate that is a party, not a caller's display name (FreeSWITCH may put a name in sip_from_user). */
    private static String firstParty(Function<String, String> vars, String... names) {
        for (String n : names) {
            String v = Fields.text(vars.apply(n));
            if (v != null && !Fields.isDisplayName(v)) {
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
