package io.cdrpipeline.retention;

import io.cdrpipeline.schema.ErasureRequest;
import io.cdrpipeline.serde.AvroSerde;
import java.util.Base64;
import java.util.List;

/**
 * Carries out erasure requests this task has not yet done: every record of the subject found
 * through the subject index goes at once (a held billing record excepted). A request is marked
 * done only when all its records fit into one step's budget; otherwise the next step goes on.
 */
final class ErasureStep {

    private static final Base64.Decoder BASE64URL = Base64.getUrlDecoder();
    private final AvroSerde<ErasureRequest> requests = new AvroSerde<>(ErasureRequest.class, ErasureRequest.getClassSchema());
    private final RetentionStores stores;
    private final RetentionMetrics metrics;

    ErasureStep(RetentionStores stores, RetentionMetrics metrics) {
        this.stores = stores;
        this.metrics = metrics;
    }

    /** Returns the records it touched (at least one per request looked at). */
    int run(int budget, long now) {
        int[] used = {0};
        long[] pending = {0};
        stores.subjects.forEachErasure((token, encoded) -> {
            ErasureRequest request = requests.decode(encoded);
            if (stores.state.erased(token, request.getRequestId())) {
                return;
            }
            pending[0]++;
            if (used[0] >= budget) {
                return;
            }
            List<SubjectIndex.Hit> hits = hits(token, budget - used[0]);
            long requested = request.getRequestedAt().toEpochMilli();
            for (SubjectIndex.Hit h : hits) {
                ExpiryIndex.Entry e = stores.index.get(h.indexKey());
                if (e == null) {
                    stores.subjectIndex.delete(h.subjectKey());   // left over from an aborted transaction
                    continue;
                }
                stores.apply(RetentionRules.onErasure(e, requested, stores.facts(e, now)), now);
            }
            used[0] += Math.max(1, hits.size());
            if (used[0] < budget) {
                stores.state.markErased(token, request.getRequestId());
                pending[0]--;
            }
        });
        metrics.recordPendingErasures(stores.task, pending[0]);
        return used[0];
    }

    private List<SubjectIndex.Hit> hits(String token, int max) {
        try {
            return stores.subjectIndex.records(BASE64URL.decode(token), max);
        } catch (IllegalArgumentException notAToken) {
            return List.of();   // no record can carry it
        }
    }
}
