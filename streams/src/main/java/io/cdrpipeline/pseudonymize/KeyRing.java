package io.cdrpipeline.pseudonymize;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;
import io.cdrpipeline.config.SecretFiles;

/**
 * The pseudonymisation key epochs, on the billing side only: loaded from a key file or the
 * {@code CDR_PSEUDONYM_KEYS} environment variable, never from a topic the analytics side can read.
 * A call uses the newest epoch whose {@code not-before} is at or before its start, so a replay
 * pseudonymises exactly as the first pass did. Format (properties):
 * <pre>
 * epoch.2026-11.not-before=2026-11-01T00:00:00Z
 * epoch.2026-11.key=&lt;base64 of at least 32 random bytes&gt;
 * </pre>
 */
public final class KeyRing {

    /**
     * The epochs and the generation they belong to, read together: a CDR is pseudonymised, tokenised
     * and indexed under one snapshot, however the ring changes meanwhile (issue 21).
     */
    public record Snapshot(List<KeyEpoch> epochs, int generation) {

        /** The newest epoch whose {@code not-before} is at or before the call's start (else the oldest). */
        public KeyEpoch epochFor(Instant callStart) {
            KeyEpoch chosen = epochs.get(0);
            for (KeyEpoch e : epochs) {
                if (!e.notBefore().isAfter(callStart)) {
                    chosen = e;
                }
            }
            return chosen;
        }
    }

    /** Replaced whole on every change, so readers on stream threads never see a half-changed ring. */
    private volatile Snapshot state;

    public KeyRing(List<KeyEpoch> epochs) {
        if (epochs.isEmpty()) {
            throw new IllegalArgumentException("the key ring has no key epoch");
        }
        this.state = new Snapshot(sorted(epochs), 0);
    }

    /** The epochs now, with their generation. */
    public Snapshot snapshot() {
        return state;
    }

    /** Adds an epoch (a rotation), or replaces what is known of one with the same id (its key destroyed). */
    public synchronized void add(KeyEpoch epoch) {
        List<KeyEpoch> next = new ArrayList<>(state.epochs().stream().filter(e -> !e.id().equals(epoch.id())).toList());
        next.add(epoch);
        state = new Snapshot(sorted(next), state.generation() + 1);
    }

    /** The epoch with this id, or null. */
    public KeyEpoch epoch(String id) {
        return state.epochs().stream().filter(e -> e.id().equals(id)).findFirst().orElse(null);
    }

    /**
     * Forgets an epoch's keys (key shredding). Users of the ring drop what they derived from it on
     * their next call, seeing the generation change. The last epoch is never removed.
     */
    public synchronized boolean destroy(String epochId) {
        List<KeyEpoch> current = state.epochs();
        List<KeyEpoch> next = current.stream().filter(e -> !e.id().equals(epochId)).toList();
        if (next.size() == current.size() || next.isEmpty()) {
            return false;
        }
        state = new Snapshot(next, state.generation() + 1);
        return true;
    }

    /** Forgets an epoch's pseudonymisation key, keeping its token key; false when there was none. */
    public synchronized boolean destroyPseudonymKey(String epochId) {
        KeyEpoch e = epoch(epochId);
        if (e == null || !e.pseudonymizes()) {
            return false;
        }
        add(e.withoutPseudonymKey());
        return true;
    }

    /** Changes whenever an epoch is added or destroyed. */
    public int generation() {
        return state.generation();
    }

    /** Reads a key file; refused when group or others can read it (as ssh refuses a private key). */
    public static KeyRing load(Path file) throws IOException {
        SecretFiles.requirePrivate(file, "pseudonym.key.file");
        return parse(Files.readString(file), file.toString());
    }

    public static KeyRing parse(String text, String origin) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot read key ring " + origin + ": " + e.getMessage());
        }
        TreeSet<String> ids = new TreeSet<>();
        for (String name : p.stringPropertyNames()) {
            String[] parts = name.split("\\.");
            if (parts.length != 3 || !parts[0].equals("epoch") || !(parts[2].equals("key") || parts[2].equals("not-before"))) {
                throw new IllegalArgumentException("key ring " + origin + ": unknown key '" + name
                        + "' (expected epoch.<id>.key and epoch.<id>.not-before)");
            }
            ids.add(parts[1]);
        }
        List<KeyEpoch> epochs = new ArrayList<>();
        for (String id : ids) {
            String key = p.getProperty("epoch." + id + ".key");
            String notBefore = p.getProperty("epoch." + id + ".not-before", "1970-01-01T00:00:00Z");
            if (key == null) {
                throw new IllegalArgumentException("key ring " + origin + ": epoch " + id + " has no key");
            }
            try {
                byte[] bytes = Base64.getDecoder().decode(key.strip());
                epochs.add(new KeyEpoch(id, Instant.parse(notBefore.strip()), bytes));
                KeyStrength.require(bytes, "the key of epoch " + id + " in " + origin);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("key ring " + origin + ": epoch " + id + " not-before is not an ISO instant");
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("key ring " + origin + ": epoch " + id + ": " + e.getMessage());
            }
        }
        return new KeyRing(epochs);
    }

    /** A fresh ring with one random epoch, for the demo and tests. */
    public static KeyRing random(String id, Instant notBefore) {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return new KeyRing(List.of(new KeyEpoch(id, notBefore, key)));
    }

    /** The key-file text of this ring: what {@code keys generate} writes. */
    public String toFileText() {
        StringBuilder sb = new StringBuilder("# cdr-pipeline pseudonymisation keys: keep on the billing side only\n");
        for (KeyEpoch e : state.epochs()) {
            sb.append("epoch.").append(e.id()).append(".not-before=").append(e.notBefore()).append('\n');
            sb.append("epoch.").append(e.id()).append(".key=").append(Base64.getEncoder().encodeToString(e.key())).append('\n');
        }
        return sb.toString();
    }

    public KeyEpoch epochFor(Instant callStart) {
        return state.epochFor(callStart);
    }

    public List<KeyEpoch> epochs() {
        return state.epochs();
    }

    private static List<KeyEpoch> sorted(List<KeyEpoch> epochs) {
        return epochs.stream().sorted(Comparator.comparing(KeyEpoch::notBefore)).toList();
    }
}
