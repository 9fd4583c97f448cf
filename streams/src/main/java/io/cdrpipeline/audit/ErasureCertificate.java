package io.cdrpipeline.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cdrpipeline.schema.AuditReceipt;
import io.cdrpipeline.serde.AvroSerde;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An erasure certificate: receipts with their inclusion proofs (RFC 9162) in the Merkle tree of
 * their audit partition, and the signed checkpoint of that tree — what a small verifier checks
 * offline with the operator's verifier key alone (docs/privacy.md gives one in Python's standard
 * library): the checkpoint's Ed25519 signature, each proof against the signed root, and that each
 * receipt lists the record's key hash.
 */
public final class ErasureCertificate {

    public static final String FORMAT = "cdr-pipeline erasure certificate v1";
    private static final AvroSerde<AuditReceipt> RECEIPTS = new AvroSerde<>(AuditReceipt.class, AuditReceipt.getClassSchema());

    private ErasureCertificate() {
    }

    /** One receipt to prove, and the key hash it must list. */
    public record Claim(AuditVerifier.Entry receipt, String keyHash) {
    }

    /**
     * The certificate as JSON; throws naming a receipt that no verified checkpoint covers yet (signed
     * within {@code audit.checkpoint.interval}) or whose tree's earlier receipts have aged out.
     * {@code caseReference}: the case the receipts were proved for (null: a record id).
     */
    public static String of(List<Claim> claims, AuditInputs.Receipts receipts, Map<Integer, List<Checkpoint>> verified,
            AuditVerifier verifier, String verifierKey, String caseReference) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("format", FORMAT);
        out.put("verifier_key", verifierKey);
        if (caseReference != null) {
            out.put("case", caseReference);
        }
        List<Checkpoint> used = new ArrayList<>();
        List<Object> proofs = new ArrayList<>();
        for (Claim claim : claims) {
            int partition = claim.receipt().partition();
            long o = claim.receipt().offset();
            List<Checkpoint> signed = verified.getOrDefault(partition, List.of());
            long logStart = receipts.logStart().getOrDefault(partition, 0L);
            Checkpoint c = signed.stream().filter(x -> x.firstOffset() <= o && x.nextOffset() > o)
                    .max(Comparator.comparingLong(Checkpoint::treeSize)).orElseThrow(() -> new IllegalStateException(
                            "receipt " + claim.receipt().position() + " is not under a signed checkpoint yet: try again after "
                                    + "audit.checkpoint.interval"));
            Checkpoint base = null;
            if (c.firstOffset() < logStart) {
                base = signed.stream().filter(x -> x.firstOffset() == c.firstOffset() && x.nextOffset() <= o
                        && x.nextOffset() >= logStart).max(Comparator.comparingLong(Checkpoint::treeSize))
                        .orElseThrow(() -> new IllegalStateException("receipt " + claim.receipt().position()
                                + ": earlier receipts of its tree have aged out and no checkpoint stands for them"));
            }
            long start = base == null ? c.firstOffset() : base.nextOffset();
            MerkleTree t = base == null ? new MerkleTree() : new MerkleTree(base.treeSize(), verifier.frontierOf(base));
            long index = -1;
            byte[] leaf = null;
            for (AuditVerifier.Entry e : receipts.byPartition().get(partition)) {
                if (e.offset() < start || e.offset() >= c.nextOffset()) {
                    continue;
                }
                if (e.offset() == o) {
                    index = t.size();
                    leaf = MerkleTree.leafData(e.key(), e.value());
                }
                t.append(MerkleTree.leafData(e.key(), e.value()));
            }
            if (t.size() != c.treeSize() || !Arrays.equals(t.root(), c.root())) {
                throw new IllegalStateException("the receipts of partition " + partition + " do not give the signed root: "
                        + "run `audit verify`");
            }
            if (!used.contains(c)) {
                used.add(c);
            }
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("position", claim.receipt().position());
            p.put("checkpoint", used.indexOf(c));
            p.put("leaf_index", index);
            p.put("tree_size", c.treeSize());
            p.put("leaf", Base64.getEncoder().encodeToString(leaf));
            p.put("proof", t.inclusionProof(index, c.treeSize()).stream().map(h -> Base64.getEncoder().encodeToString(h)).toList());
            p.put("key_hash", claim.keyHash());
            AuditReceipt r = RECEIPTS.decode(claim.receipt().value());
            Map<String, Object> receipt = new LinkedHashMap<>();
            receipt.put("topic", r.getTopic());
            receipt.put("reason", r.getReason().toString());
            receipt.put("count", r.getCount());
            receipt.put("window_close", r.getWindowClose().toString());
            receipt.put("deleted_at", r.getEmittedAt().toString());
            receipt.put("arrived_after_close", r.getArrivedAfterClose());
            receipt.put("case", r.getCaseReference());
            p.put("receipt", receipt);
            proofs.add(p);
        }
        out.put("checkpoints", used.stream().map(verifier::noteOf).toList());
        out.put("receipts", proofs);
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(out) + "\n";
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
