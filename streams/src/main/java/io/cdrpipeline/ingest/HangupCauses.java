package io.cdrpipeline.ingest;

import io.cdrpipeline.schema.Disposition;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

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

    /** FreeSWITCH's own cause names beyond Q.850 (switch_channel.c); with Q850's keys, every name we keep. */
    private static final Set<String> FREESWITCH = Set.of("NONE", "UNKNOWN", "ORIGINATOR_CANCEL", "CRASH",
            "SYSTEM_SHUTDOWN", "LOSE_RACE", "MANAGER_REQUEST", "BLIND_TRANSFER", "ATTENDED_TRANSFER",
            "ALLOTTED_TIMEOUT", "USER_CHALLENGE", "MEDIA_TIMEOUT", "PICKED_OFF", "USER_NOT_REGISTERED",
            "PROGRESS_TIMEOUT", "INVALID_GATEWAY", "GATEWAY_DOWN", "INVALID_URL", "INVALID_PROFILE", "NO_PICKUP",
            "SRTP_READ_ERROR", "BOWOUT", "BUSY_EVERYWHERE", "DECLINE", "DOES_NOT_EXIST_ANYWHERE",
            "NOT_ACCEPTABLE", "UNWANTED", "NO_IDENTITY", "BAD_IDENTITY_INFO", "UNSUPPORTED_CERTIFICATE",
            "INVALID_IDENTITY", "STALE_DATE", "REJECT_ALL", "CALL_REJECTED");
    /** A cause that is no known name: the text itself stays only in cdr.raw. */
    static final String OTHER = "OTHER";

    private HangupCauses() {
    }

    /**
     * A known Q.850 or FreeSWITCH cause name, {@code SIP_<status>} for a SIP status (486,
     * {@code sip:486}, {@code SIP_486 Busy Here}), or {@link #OTHER}; null when blank. Free text
     * after a known name (a caller's name appended by a dialplan) is dropped.
     */
    static String name(String raw) {
        String c = Fields.text(raw);
        if (c == null) {
            return null;
        }
        String u = c.toUpperCase(Locale.ROOT);
        int end = 0;
        while (end < u.length() && (Character.isLetterOrDigit(u.charAt(end)) || u.charAt(end) == '_')) {
            end++;
        }
        String token = u.substring(0, end);
        if (Q850.containsKey(token) || FREESWITCH.contains(token)) {
            return token;
        }
        String status = token.startsWith("SIP_") ? token.substring(4)
                : token.equals("SIP") && u.length() > 4 && (u.charAt(3) == ':' || u.charAt(3) == ' ') ? leadingDigits(u.substring(4))
                : token;
        if (status.matches("[3-6]\\d\\d")) {
            return "SIP_" + status;
        }
        return OTHER;
    }

    private static String leadingDigits(String s) {
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        return s.substring(0, i);
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
            case "USER_BUSY", "SIP_486", "SIP_600" -> Disposition.BUSY;
            case "NO_ANSWER", "NO_USER_RESPONSE", "ALLOTTED_TIMEOUT", "PROGRESS_TIMEOUT", "NORMAL_CLEARING",
                    "SUBSCRIBER_ABSENT", "SIP_408", "SIP_480", "NO_PICKUP" -> Disposition.NO_ANSWER;
            case "ORIGINATOR_CANCEL", "LOSE_RACE", "PICKED_OFF", "SIP_487" -> Disposition.CANCELLED;
            case "NORMAL_CIRCUIT_CONGESTION", "SWITCH_CONGESTION", "SIP_503" -> Disposition.CONGESTION;
            default -> Disposition.FAILED;
        };
    }
}
