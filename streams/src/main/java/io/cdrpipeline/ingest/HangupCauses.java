package io.cdrpipeline.ingest;

import io.cdrpipeline.schema.Disposition;
import java.util.Locale;
import java.util.Map;

/**
 * FreeSWITCH hangup cause names (ITU-T Q.850 names plus FreeSWITCH's own) to their Q.850 code and
 * to our normalised disposition. FreeSWITCH-only causes above 127 (ORIGINATOR_CANCEL, LOSE_RACE…)
 * have no Q.850 code.
 */
final class HangupCauses {

    private static final Map<String, Integer> Q850 = Map.ofEntries(
            Map.entry("UNSPECIFIED", 0), Map.entry("UNALLOCATED_NUMBER", 1), Map.entry("NO_ROUTE_TRANSIT_NET", 2),
            Map.entry("NO_ROUTE_DESTINATION", 3), Map.entry("CHANNEL_UNACCEPTABLE", 6),
            Map.entry("CALL_AWARDED_DELIVERED", 7), Map.entry("NORMAL_CLEARING", 16), Map.entry("USER_BUSY", 17),
            Map.entry("NO_USER_RESPONSE", 18), Map.entry("NO_ANSWER", 19), Map.entry("SUBSCRIBER_ABSENT", 20),
            Map.entry("CALL_REJECTED", 21), Map.entry("NUMBER_CHANGED", 22),
            Map.entry("REDIRECTION_TO_NEW_DESTINATION", 23), Map.entry("EXCHANGE_ROUTING_ERROR", 25),
            Map.entry("DESTINATION_OUT_OF_ORDER", 27), Map.entry("INVALID_NUMBER_FORMAT", 28),
            Map.entry("FACILITY_REJECTED", 29), Map.entry("RESPONSE_TO_STATUS_ENQUIRY", 30),
            Map.entry("NORMAL_UNSPECIFIED", 31), Map.entry("NORMAL_CIRCUIT_CONGESTION", 34),
            Map.entry("NETWORK_OUT_OF_ORDER", 38), Map.entry("NORMAL_TEMPORARY_FAILURE", 41),
            Map.entry("SWITCH_CONGESTION", 42), Map.entry("ACCESS_INFO_DISCARDED", 43),
            Map.entry("REQUESTED_CHAN_UNAVAIL", 44), Map.entry("PRE_EMPTED", 45),
            Map.entry("FACILITY_NOT_SUBSCRIBED", 50), Map.entry("OUTGOING_CALL_BARRED", 52),
            Map.entry("INCOMING_CALL_BARRED", 54), Map.entry("BEARERCAPABILITY_NOTAUTH", 57),
            Map.entry("BEARERCAPABILITY_NOTAVAIL", 58), Map.entry("SERVICE_UNAVAILABLE", 63),
            Map.entry("BEARERCAPABILITY_NOTIMPL", 65), Map.entry("CHAN_NOT_IMPLEMENTED", 66),
            Map.entry("FACILITY_NOT_IMPLEMENTED", 69), Map.entry("SERVICE_NOT_IMPLEMENTED", 79),
            Map.entry("INVALID_CALL_REFERENCE", 81), Map.entry("INCOMPATIBLE_DESTINATION", 88),
            Map.entry("INVALID_MSG_UNSPECIFIED", 95), Map.entry("MANDATORY_IE_MISSING", 96),
            Map.entry("MESSAGE_TYPE_NONEXIST", 97), Map.entry("WRONG_MESSAGE", 98), Map.entry("IE_NONEXIST", 99),
            Map.entry("INVALID_IE_CONTENTS", 100), Map.entry("WRONG_CALL_STATE", 101),
            Map.entry("RECOVERY_ON_TIMER_EXPIRE", 102), Map.entry("MANDATORY_IE_LENGTH_ERROR", 103),
            Map.entry("PROTOCOL_ERROR", 111), Map.entry("INTERWORKING", 127));

    private HangupCauses() {
    }

    static String name(String raw) {
        String c = Fields.text(raw);
        return c == null ? null : c.toUpperCase(Locale.ROOT);
    }

    static Integer q850(String cause, Integer explicitCode) {
        if (explicitCode != null && explicitCode > 0 && explicitCode <= 127) {
            return explicitCode;
        }
        return cause == null ? null : Q850.get(cause);
    }

    static Disposition disposition(String cause, boolean answered) {
        if (answered) {
            return Disposition.ANSWERED;
        }
        if (cause == null) {
            return Disposition.UNKNOWN;
        }
        return switch (cause) {
            case "USER_BUSY" -> Disposition.BUSY;
            case "NO_ANSWER", "NO_USER_RESPONSE", "ALLOTTED_TIMEOUT", "PROGRESS_TIMEOUT", "NORMAL_CLEARING",
                    "SUBSCRIBER_ABSENT" -> Disposition.NO_ANSWER;
            case "ORIGINATOR_CANCEL", "LOSE_RACE", "PICKED_OFF" -> Disposition.CANCELLED;
            case "NORMAL_CIRCUIT_CONGESTION", "SWITCH_CONGESTION" -> Disposition.CONGESTION;
            default -> Disposition.FAILED;
        };
    }
}
