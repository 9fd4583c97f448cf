package io.cdrpipeline.pseudonymize;

import io.cdrpipeline.schema.AnalyticsRecord;
import io.cdrpipeline.schema.BillingRecord;
import io.cdrpipeline.schema.NumberType;
import io.cdrpipeline.schema.PartyNumber;
import io.cdrpipeline.schema.PseudonymousParty;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The only door from billing data to analytics data. Each number becomes a keyed HMAC-SHA256
 * pseudonym (128 bits, base64url) under the call's key epoch: the same number under the same
 * epoch always gives the same pseudonym, so analysts can count and join, while a different
 * epoch — or a destroyed key — gives nothing to link. Phone numbers are keyed by E.164 alone (the
 * same subscriber across switches); extensions and unrecognised strings by source too, since
 * {@code 201} on one PBX is not {@code 201} on another. One {@link Mac} per epoch is reused: not
 * thread-safe, one instance per stream task.
 */
public final class Pseudonymizer {

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final int PSEUDONYM_BYTES = 16;

    private final KeyRing keys;
    private final NumberFacts facts;
    private final Map<String, Mac> macs = new HashMap<>();
    /** Per epoch, the Mac of subject tokens: under a key derived apart from the pseudonym key. */
    private final Map<String, Mac> tokenMacs = new HashMap<>();
    /**
     * Pseudonyms of repeated inputs (numbers, accounts) per epoch: real traffic repeats numbers,
     * and one CDR needs each of its numbers' pseudonyms several times. Bounded, per instance, and
     * emptied with the Macs when a key is destroyed.
     */
    private final Map<String, String> recent = new java.util.LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > CACHE_SIZE;
        }
    };
    private int ringGeneration;
    private static final int CACHE_SIZE = 50_000;

    public Pseudonymizer(KeyRing keys, NumberFacts facts) {
        this.keys = keys;
        this.facts = facts;
    }

    public AnalyticsRecord pseudonymize(BillingRecord billing) {
        forgetDestroyedKeys();
        KeyEpoch epoch = keys.epochFor(billing.getStartTime());
        Mac mac = macs.computeIfAbsent(epoch.id(), id -> newMac(epoch));
        return AnalyticsRecord.newBuilder()
                .setPseudoRecordId(pseudonym(mac, "record:" + billing.getRecordId()))
                .setKeyEpoch(epoch.id())
                .setCalling(party(epoch, mac, billing.getCalling(), billing.getSource()))
                .setCalled(party(epoch, mac, billing.getCalled(), billing.getSource()))
                .setStartMinute(billing.getStartTime().truncatedTo(ChronoUnit.MINUTES))
                .setDurationSeconds(billing.getDurationSeconds())
                .setBillableSeconds(billing.getBillableSeconds())
                .setDisposition(billing.getDisposition())
                .setQ850Cause(billing.getQ850Cause())
                .setSource(billing.getSource())
                .setLegRole(billing.getLegRole())
                .build();
    }

    /** The analytics key of a billing record: what {@link #pseudonymize} would give it. */
    public String pseudoRecordId(BillingRecord billing) {
        forgetDestroyedKeys();
        KeyEpoch epoch = keys.epochFor(billing.getStartTime());
        return pseudonym(macs.computeIfAbsent(epoch.id(), id -> newMac(epoch)), "record:" + billing.getRecordId());
    }

    /**
     * The subject tokens of a record under its epoch, one per subject: its parties (E.164 and SIP
     * identities globally, extensions and unrecognised parties per source — as in analytics; short
     * and emergency codes are services, not subjects) and its account. Erasure requests name
     * subjects by these tokens. A token is made from the same input as the party's pseudonym but
     * under the epoch's token key ({@link #tokenKey}), so a token kept on the erasure-request
     * topic cannot be matched with any analytics pseudonym; it dies with its epoch's key.
     */
    public List<String> subjectTokens(BillingRecord billing) {
        forgetDestroyedKeys();
        KeyEpoch epoch = keys.epochFor(billing.getStartTime());
        Mac mac = tokenMacs.computeIfAbsent(epoch.id(), id -> newTokenMac(epoch));
        List<String> inputs = subjectInputs(billing);
        List<String> tokens = new ArrayList<>(inputs.size());
        for (String input : inputs) {
            tokens.add(cached(epoch, mac, TOKEN, input));
        }
        return tokens;
    }

    /**
     * The subjects of a billing record, as the inputs their tokens are made from: its E.164 and SIP
     * parties (global), its extension and unrecognised parties (per source), its account. Erasure
     * and subject access both find a subject's records through this one definition.
     */
    public static List<String> subjectInputs(BillingRecord billing) {
        List<String> inputs = new ArrayList<>(3);
        for (PartyNumber p : List.of(billing.getCalling(), billing.getCalled())) {
            if (p.getNumber() == null) {
                continue;
            }
            if (p.getType() == NumberType.E164) {
                inputs.add(numberInput(p.getNumber()));
            } else if (p.getType() == NumberType.SIP_IDENTITY) {
                inputs.add(sipInput(p.getNumber()));
            } else if (isLocalSubject(p.getType())) {
                // An extension or an unrecognised party identifies someone on that switch only.
                inputs.add(localPartyInput(p.getType(), billing.getSource(), p.getNumber()));
            }
        }
        if (billing.getAccount() != null) {
            inputs.add(accountInput(billing.getAccount()));
        }
        return inputs;
    }

    /** The token of an E.164 number under every epoch of the ring, by epoch id. */
    public Map<String, String> numberTokens(String e164) {
        return tokens(numberInput(e164));
    }

    /** The token of a SIP identity ({@code user@host}) under every epoch of the ring, by epoch id. */
    public Map<String, String> sipTokens(String identity) {
        return tokens(sipInput(identity));
    }

    /** The token of an extension or unrecognised party of one source under every epoch of the ring. */
    public Map<String, String> localPartyTokens(NumberType type, String source, String value) {
        if (!isLocalSubject(type)) {
            throw new IllegalArgumentException(type + " parties are not subjects of one source");
        }
        return tokens(localPartyInput(type, source, value));
    }

    /** Parties that identify a person only within one switch: extensions and what no rule recognised. */
    static boolean isLocalSubject(NumberType type) {
        return type == NumberType.EXTENSION || type == NumberType.UNKNOWN;
    }

    /** The token of an account under every epoch of the ring, by epoch id. */
    public Map<String, String> accountTokens(String account) {
        return tokens(accountInput(account));
    }

    /** The token of a subject's token input ({@code e164:+44…}, {@code sip:…}, {@code account:…}) under every epoch. */
    public Map<String, String> tokensFor(String input) {
        return tokens(input);
    }

    /**
     * What a party's pseudonym and a subject's token are computed from — the one definition that
     * the pipeline and {@code erase} share: the same input under every epoch, so it can be sealed
     * and re-used.
     */
    public static String numberInput(String e164) {
        return "e164:" + e164;
    }

    public static String sipInput(String identity) {
        return "sip:" + identity;
    }

    public static String accountInput(String account) {
        return "account:" + account;
    }

    public static String localPartyInput(NumberType type, String source, String value) {
        return type + ":" + source + ":" + value;
    }

    private Map<String, String> tokens(String input) {
        forgetDestroyedKeys();
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (KeyEpoch e : keys.epochs()) {
            out.put(e.id(), pseudonym(tokenMacs.computeIfAbsent(e.id(), id -> newTokenMac(e)), input));
        }
        return out;
    }

    private PseudonymousParty party(KeyEpoch epoch, Mac mac, PartyNumber number, String source) {
        PseudonymousParty.Builder party = PseudonymousParty.newBuilder().setType(number.getType());
        String value = number.getNumber();
        if (value == null || number.getType() == NumberType.WITHHELD) {
            return party.build();
        }
        if (number.getType() == NumberType.E164) {
            NumberFacts.Prefix prefix = facts.of(value);
            return party.setPseudonym(cached(epoch, mac, PSEUDONYM, numberInput(value)))
                    .setCountryCode(prefix.countryCode())
                    .setDestinationCode(prefix.destinationCode())
                    .setRegion(prefix.region())
                    .build();
        }
        if (number.getType() == NumberType.SIP_IDENTITY) {
            // A SIP identity is global, like a phone number: the same user@host on every switch.
            return party.setPseudonym(cached(epoch, mac, PSEUDONYM, sipInput(value))).build();
        }
        return party.setPseudonym(cached(epoch, mac, PSEUDONYM, localPartyInput(number.getType(), source, value))).build();
    }

    /** A destroyed key must not live on in a cached Mac: drop them all when the ring changes. */
    private void forgetDestroyedKeys() {
        int g = keys.generation();
        if (g != ringGeneration) {
            macs.clear();
            tokenMacs.clear();
            recent.clear();
            ringGeneration = g;
        }
    }

    private static final char PSEUDONYM = '\u0000';
    private static final char TOKEN = '\u0001';

    /** {@code kind} says which Mac {@code mac} is: a pseudonym and a token of one input differ. */
    private String cached(KeyEpoch epoch, Mac mac, char kind, String input) {
        String key = epoch.id() + kind + input;
        String p = recent.get(key);
        if (p == null) {
            p = pseudonym(mac, input);
            recent.put(key, p);
        }
        return p;
    }

    private static String pseudonym(Mac mac, String input) {
        byte[] digest = mac.doFinal(input.getBytes(StandardCharsets.UTF_8));
        return BASE64URL.encodeToString(java.util.Arrays.copyOf(digest, PSEUDONYM_BYTES));
    }

    private static Mac newMac(KeyEpoch epoch) {
        return hmac(epoch.key());
    }

    private static Mac newTokenMac(KeyEpoch epoch) {
        return hmac(tokenKey(epoch));
    }

    /**
     * The epoch's subject-token key: HKDF-Expand (RFC 5869, one block) of the epoch key with its
     * own label — independent of the pseudonym key for anyone without the epoch key, destroyed
     * with it.
     */
    static byte[] tokenKey(KeyEpoch epoch) {
        Mac kdf = hmac(epoch.key());
        kdf.update(TOKEN_KEY_LABEL);
        return kdf.doFinal(new byte[] {1});
    }

    private static final byte[] TOKEN_KEY_LABEL = "cdr-pipeline subject tokens v1".getBytes(StandardCharsets.UTF_8);

    private static Mac hmac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
