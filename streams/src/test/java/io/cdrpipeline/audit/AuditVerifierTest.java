package io.cdrpipeline.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdrpipeline.pseudonymize.AuditKey;
import io.cdrpipeline.schema.AuditCheckpoint;
import io.cdrpipeline.schema.AuditReceipt;
import io.cdrpipeline.schema.DataClass;
import io.cdrpipeline.schema.DeletionReason;
import io.cdrpipeline.serde.AvroSerde;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Issue 27's tampering tests, on what {@code audit verify} reads: two audit partitions of receipts
 * (single and aggregated, offsets with gaps where transaction markers sit) under checkpoints signed
 * as the checkpointer signs them. Untouched, they verify; one byte changed, one receipt dropped, two
 * reordered, a checkpoint signed with another key, a receipted key still live, a late deletion — each
 * fails, naming it.
 */
class AuditVerifierTest {

    private static final AvroSerde<AuditReceipt> RECEIPTS = new AvroSerde<>(AuditReceipt.class, AuditReceipt.getClassSchema());
    private static final AvroSerde<AuditCheckpoint> CHECKPOINTS = new AvroSerde<>(AuditCheckpoint.class,
            AuditCheckpoint.getClassSchema());
    private static final Instant T = Instant.parse("2026-12-07T08:00:00Z");

    private final AuditKey auditKey = AuditKey.derivedFrom(random());
    private final NoteSigner signer = NoteSigner.generate("cdr-pipeline-audit");
    private final AuditVerifier verifier = new AuditVerifier(auditKey, NoteSigner.Verifier.parse(signer.verifierKey()),
            Duration.ofDays(14), "cdr-pipeline/app/cdr.audit/");

    private static byte[] random() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return b;
    }

    /** Twelve receipts a partition; every third lists four records. */
    private Map<Integer, List<AuditVerifier.Entry>> receipts() {
        Map<Integer, List<AuditVerifier.Entry>> out = new TreeMap<>();
        for (int p = 0; p < 2; p++) {
            List<AuditVerifier.Entry> list = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                list.add(receipt(p, 2L * i, "rec-" + p + "-" + i, i % 3 == 0 ? 4 : 1, Duration.ofHours(1)));
            }
            out.put(p, list);
        }
        return out;
    }

    private AuditVerifier.Entry receipt(int p, long offset, String record, int records, Duration late) {
        List<String> hashes = new ArrayList<>();
        for (int k = 0; k < records; k++) {
            hashes.add(auditKey.hash("cdr.billing", record + (records == 1 ? "" : "#" + k)));
        }
        String keyHash = records == 1 ? hashes.get(0) : auditKey.digest("cdr.billing", hashes);
        AuditReceipt r = AuditReceipt.newBuilder().setKeyHash(keyHash).setKeyHashes(records == 1 ? List.of() : hashes)
                .setTopic("cdr.billing").setDataClass(DataClass.BILLING).setCount(records).setPolicyVersion(1)
                .setReason(DeletionReason.ERASURE_REQUEST).setWindowClose(T).setEmittedAt(T.plus(late))
                .setArrivedAfterClose(false).build();
        return new AuditVerifier.Entry(p, offset, keyHash.getBytes(StandardCharsets.UTF_8), RECEIPTS.encode(r));
    }

    /** Checkpoints after the 5th and the 12th receipt of each partition, as the checkpointer signs them. */
    private List<AuditVerifier.Entry> checkpoints(Map<Integer, List<AuditVerifier.Entry>> receipts, NoteSigner by) {
        List<AuditVerifier.Entry> out = new ArrayList<>();
        long offset = 0;
        for (var p : receipts.entrySet()) {
            MerkleTree t = new MerkleTree();
            List<AuditVerifier.Entry> list = p.getValue();
            for (int i = 0; i < list.size(); i++) {
                t.append(MerkleTree.leafData(list.get(i).key(), list.get(i).value()));
                if (i == 4 || i == list.size() - 1) {
                    Checkpoint c = new Checkpoint(Checkpoint.origin("app", "cdr.audit", p.getKey()), p.getKey(), t.size(),
                            t.root(), 0, list.get(i).offset() + 2, T.plusSeconds(i));
                    AuditCheckpoint v = AuditCheckpoint.newBuilder().setNote(by.sign(c.body()))
                            .setFrontier(t.frontier().stream().map(h -> Base64.getEncoder().encodeToString(h)).toList()).build();
                    out.add(new AuditVerifier.Entry(0, offset++, null, CHECKPOINTS.encode(v)));
                }
            }
        }
        return out;
    }

    private AuditVerifier.Result verify(Map<Integer, List<AuditVerifier.Entry>> receipts, List<AuditVerifier.Entry> checkpoints,
            Set<String> live) {
        return verifier.verify(receipts, Map.of(0, 0L, 1, 0L), checkpoints, live);
    }

    @Test
    void anUntouchedRunVerifies() {
        var receipts = receipts();
        AuditVerifier.Result r = verify(receipts, checkpoints(receipts, signer), Set.of(auditKey.hash("cdr.billing", "live")));
        assertThat(r.problems()).isEmpty();
        assertThat(r.receipts()).isEqualTo(24);
        assertThat(r.deletions()).isEqualTo(2 * (4 * 4 + 8));
        assertThat(r.checkpoints()).isEqualTo(4);
        assertThat(r.leavesChecked()).isEqualTo(24);
    }

    @Test
    void oneByteOfAReceiptChangedIsFound() {
        var receipts = receipts();
        List<AuditVerifier.Entry> checkpoints = checkpoints(receipts, signer);
        AuditVerifier.Entry e = receipts.get(0).get(7);
        byte[] value = e.value().clone();
        value[value.length - 20] ^= 1;
        receipts.get(0).set(7, new AuditVerifier.Entry(0, e.offset(), e.key(), value));
        assertThat(verify(receipts, checkpoints, Set.of()).problems()).isNotEmpty().anySatisfy(p -> assertThat(p)
                .contains("audit partition 0", "offsets 10 to 23", "a receipt was changed or moved"));
    }

    @Test
    void oneReceiptDroppedIsFound() {
        var receipts = receipts();
        List<AuditVerifier.Entry> checkpoints = checkpoints(receipts, signer);
        receipts.get(1).remove(2);
        assertThat(verify(receipts, checkpoints, Set.of()).problems()).singleElement().asString()
                .contains("audit partition 1", "offsets 0 to 9", "4 receipts where 5 were signed", "dropped");
    }

    @Test
    void twoReceiptsReorderedAreFound() {
        var receipts = receipts();
        List<AuditVerifier.Entry> checkpoints = checkpoints(receipts, signer);
        List<AuditVerifier.Entry> p1 = receipts.get(1);
        AuditVerifier.Entry a = p1.get(8);
        AuditVerifier.Entry b = p1.get(9);
        p1.set(8, new AuditVerifier.Entry(1, a.offset(), b.key(), b.value()));
        p1.set(9, new AuditVerifier.Entry(1, b.offset(), a.key(), a.value()));
        assertThat(verify(receipts, checkpoints, Set.of()).problems()).singleElement().asString()
                .contains("audit partition 1", "a receipt was changed or moved");
    }

    @Test
    void aCheckpointSignedWithAnotherKeyIsFound() {
        var receipts = receipts();
        List<AuditVerifier.Entry> checkpoints = new ArrayList<>(checkpoints(receipts, signer));
        AuditVerifier.Entry forged = checkpoints(receipts, NoteSigner.generate("cdr-pipeline-audit")).get(3);
        checkpoints.set(3, new AuditVerifier.Entry(0, 3, null, forged.value()));
        assertThat(verify(receipts, checkpoints, Set.of()).problems()).anySatisfy(p -> assertThat(p)
                .contains("checkpoint 0@3", "signed by another key"));
    }

    @Test
    void aReceiptWhoseTombstoneWasNeverWrittenIsFound() {
        var receipts = receipts();
        // Record rec-0-4 was receipted as deleted, but its key is still live on cdr.billing.
        Set<String> live = new HashSet<>(Set.of(auditKey.hash("cdr.billing", "rec-0-4")));
        assertThat(verify(receipts, checkpoints(receipts, signer), live).problems()).singleElement().asString()
                .contains("receipt 0@8", "still live on cdr.billing", "tombstone was never written");
    }

    @Test
    void aLateDeletionAndAReceiptWithAForeignDigestAreFound() {
        var receipts = receipts();
        receipts.get(0).set(5, receipt(0, 10, "rec-0-5", 1, Duration.ofDays(20)));
        AuditVerifier.Entry aggregated = receipts.get(1).get(3);
        AuditReceipt r = RECEIPTS.decode(aggregated.value());
        r.setKeyHash(AuditKey.derivedFrom(random()).digest("cdr.billing", r.getKeyHashes()));
        receipts.get(1).set(3, new AuditVerifier.Entry(1, aggregated.offset(), aggregated.key(), RECEIPTS.encode(r)));
        List<String> problems = verify(receipts, checkpoints(receipts, signer), Set.of()).problems();
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("receipt 0@10", "PT480H", "max-erasure-delay"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("receipt 1@6", "not the audit key's digest"));
    }

    @Test
    void aKeyDestroyedWithoutItsReceiptIsNamed() {
        String keyTopic = "cdr.pseudonym-keys";
        String hash = auditKey.hash(keyTopic, "2025-01");
        AuditReceipt r = AuditReceipt.newBuilder().setKeyHash(hash).setKeyHashes(List.of()).setTopic(keyTopic)
                .setDataClass(DataClass.KEY).setCount(1).setPolicyVersion(1).setReason(DeletionReason.KEY_DESTROYED)
                .setWindowClose(T).setEmittedAt(T).setArrivedAfterClose(false).build();
        Map<Integer, List<AuditVerifier.Entry>> receipts = Map.of(0, List.of(new AuditVerifier.Entry(0, 0,
                hash.getBytes(StandardCharsets.UTF_8), RECEIPTS.encode(r))));
        // 2025-01 and 2025-02 tombstoned on the key topic, 2026-12 live: only 2025-02 lacks its receipt.
        assertThat(verifier.destroyedKeysWithoutReceipt(receipts, keyTopic,
                Map.of("2025-01", false, "2025-02", false, "2026-12", true)))
                .containsExactly("key 2025-02 was destroyed on cdr.pseudonym-keys without a KEY_DESTROYED receipt");
        // And a receipted key that is still live is what verify's live-key check names.
        assertThat(verifier.verify(Map.of(0, receipts.get(0)), Map.of(0, 0L), List.of(), Set.of(hash)).problems())
                .anySatisfy(p -> assertThat(p).contains("still live on cdr.pseudonym-keys"));
    }

    @Test
    void receiptsThatAgedOutAreCoveredByTheFirstCheckpointWhoseReceiptsAreStillThere() {
        var receipts = receipts();
        List<AuditVerifier.Entry> checkpoints = checkpoints(receipts, signer);
        // Partition 0's first five receipts aged out (log start 10): checked from the first checkpoint on.
        Map<Integer, List<AuditVerifier.Entry>> aged = new HashMap<>(receipts);
        aged.put(0, new ArrayList<>(receipts.get(0).subList(5, 12)));
        AuditVerifier.Result r = verifier.verify(aged, Map.of(0, 10L, 1, 0L), checkpoints, Set.of());
        assertThat(r.problems()).isEmpty();
        assertThat(r.leavesChecked()).isEqualTo(7 + 12);
        // And a receipt changed after that checkpoint is still found.
        AuditVerifier.Entry e = aged.get(0).get(3);
        aged.get(0).set(3, new AuditVerifier.Entry(0, e.offset(), e.key(), receipts.get(0).get(0).value()));
        assertThat(verifier.verify(aged, Map.of(0, 10L, 1, 0L), checkpoints, Set.of()).problems()).isNotEmpty();
    }
}
