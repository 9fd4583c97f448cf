package io.cdrpipeline.retention;

import io.cdrpipeline.schema.ErasureRequest;
import io.cdrpipeline.serde.AvroSerde;
import java.util.Base64;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;

/**
 * Carries out erasure requests this task has not yet done: a scan of the subject index under the
 * request's token, continued from where the last step stopped, deleting what it finds (a held
 * billing record, and one that arrived after the request, excepted: see
 * {@link RetentionRules#onErasure}). A request is done once its scan is exhausted — records that
 * stay (held, or new) are not looked at again, so they cannot crowd out anything else; a CDR of the
 * subject arriving later is decided as it arrives ({@link Arrival}).
 */
final class ErasureStep {

    private static final Base64.Decoder BASE64URL = Base64.getUrlDecoder();
    private final AvroSerde<ErasureRequest> requests = new AvroSerde<>(ErasureRequest.class, ErasureRequest.getClassSchema());
    private final TaskRetention stores;
    private final RetentionMetrics metrics;

    ErasureStep(TaskRetention stores, RetentionMetrics metrics) {
        this.stores = stores;
        this.metrics = metrics;
    }

    /** Returns the records it touched (at least one per request looked at), at most {@code budget} and one. */
    int run(int budget, long now) {
        int[] used = {0};
        long[] pending = {0};
        stores.subjects.forEachErasure((token, encoded) -> {
            ErasureRequest request = requests.decode(encoded);   // the mirror holds only decodable requests
            if (stores.state.erased(token, request.getRequestId())) {
                return;
            }
            pending[0]++;
            if (used[0] >= budget) {
                return;
            }
            int max = budget - used[0];
            Bytes cursor = stores.state.erasureCursor(token, request.getRequestId());
            List<SubjectIndex.Hit> hits = hits(token, cursor, max);
            long requested = request.getRequestedAt().toEpochMilli();
            for (SubjectIndex.Hit h : hits) {
                ExpiryIndex.Entry e = stores.index.get(h.indexKey());
                if (e == null) {
                    stores.subjectIndex.delete(h.subjectKey());   // left over from an aborted transaction
                    continue;
                }
                stores.apply(RetentionRules.onErasure(e, requested, stores.facts(e, now)), now, request.getCaseReference());
            }
            used[0] += Math.max(1, hits.size());
            if (hits.size() < max) {
                stores.state.erasureDone(token, request.getRequestId());
                pending[0]--;
            } else {
                stores.state.erasureProgress(token, request.getRequestId(), hits.get(hits.size() - 1).subjectKey());
            }
        });
        metrics.recordPendingErasures(stores.task, pending[0]);
        return used[0];
    }

    private List<SubjectIndex.Hit> hits(String token, Bytes after, int max) {
        try {
            return stores.subjectIndex.records(BASE64URL.decode(token), after, max);
        } catch (IllegalArgumentException notAToken) {
            return List.of();   // no record can carry it
        }
    }
}
