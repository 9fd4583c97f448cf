package io.cdrpipeline.app;

import io.cdrpipeline.pseudonymize.AuditKey;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.pseudonymize.KeyVault;
import io.cdrpipeline.pseudonymize.SubjectSealing;

/**
 * The key material of a running pipeline: the key ring it pseudonymises and tokenises under, the
 * audit key of its receipts, the key pair erasure subjects are sealed to, and — in key-store mode —
 * the master key's vault and the key service that keeps the ring equal to the key topic.
 */
public record KeyMaterial(KeyRing ring, AuditKey auditKey, SubjectSealing sealing, KeyVault vault, KeyService service) {

    /** Key-file mode (a lab, a test): fixed epochs; audit and sealing keys derived from the first one. */
    public static KeyMaterial fixed(KeyRing ring) {
        byte[] secret = AuditKey.fixedSecret(ring);
        return new KeyMaterial(ring, AuditKey.derivedFrom(secret), SubjectSealing.derivedFrom(secret), null, null);
    }

    /** Key-store mode: the ring the key service loaded (and keeps current); audit and sealing keys from the master key. */
    public static KeyMaterial rotating(KeyService service, KeyVault vault) {
        return new KeyMaterial(service.ring(), vault.auditKey(), vault.sealing(), vault, service);
    }
}
