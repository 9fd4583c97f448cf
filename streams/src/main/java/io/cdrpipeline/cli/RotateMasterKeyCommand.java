package io.cdrpipeline.cli;

import io.cdrpipeline.app.KeyService;
import io.cdrpipeline.app.PipelineKeys;
import io.cdrpipeline.catalogue.OwnedTopic;
import io.cdrpipeline.catalogue.Role;
import io.cdrpipeline.config.ConfigException;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.config.SecretFiles;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.pseudonymize.KeyStrength;
import io.cdrpipeline.pseudonymize.KeyVault;
import io.cdrpipeline.retention.RetentionPolicy;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Rotates the master key of key-store mode: every key record on the key topic re-wrapped under the
 * new key, in one transaction, with the deployment's root (audit key, erasure sealing pair) carried
 * over — receipts, the deletion ledger and pending erasure requests stay valid. Runs with the
 * pipeline's config and its current master key; then every instance restarts with the new one.
 */
@Command(name = "rotate-master-key", mixinStandardHelpOptions = true,
        description = "Re-wrap the key topic under a new master key (from `keys --master-key --out FILE`); then restart "
                + "every instance with the new key. Needs the current master key (pseudonym.master.key.file or "
                + "$CDR_MASTER_KEY) and the pipeline's rights on the key topic.")
final class RotateMasterKeyCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions kafka;

    @Option(names = "--new-master-key-file", required = true, paramLabel = "FILE",
            description = "The new master key (base64 of 32 bytes, readable by its owner only).")
    Path newKeyFile;

    @Override
    public Integer call() throws Exception {
        // Both keys are checked before the cluster is contacted: a wrong file fails at once.
        PipelineConfig config = kafka.load();
        KeyVault current = PipelineKeys.masterKeyVault(config);
        if (current == null) {
            throw new ConfigException("rotate-master-key needs the current master key (pseudonym.master.key.file or $"
                    + KeyVault.MASTER_KEY_ENV + ") and no static keys");
        }
        byte[] next;
        try {
            next = Base64.getDecoder().decode(SecretFiles.read(newKeyFile, "--new-master-key-file").strip());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--new-master-key-file: " + newKeyFile + ": not base64 of 32 bytes");
        }
        if (next.length != 32) {
            throw new ConfigException("--new-master-key-file: " + newKeyFile + ": not base64 of 32 bytes");
        }
        KeyStrength.require(next, "the new master key");
        kafka.loadFor(Role.PIPELINE, OwnedTopic.PSEUDONYM_KEYS, OwnedTopic.AUDIT);
        RetentionPolicy policy = RetentionPolicy.of(config);
        int rewrapped;
        try (KeyService service = new KeyService(config, current, policy)) {
            KeyRing before = service.load(Instant.now());
            rewrapped = service.rotateMasterKey(next);
            try (KeyService check = new KeyService(config, new KeyVault(next), policy)) {
                KeyRing after = check.load(Instant.now());
                if (!after.epochs().equals(before.epochs())) {
                    throw new IllegalStateException("the key topic read back under the new master key differs from what "
                            + "was re-wrapped; keep the old master key in place and look at the topic");
                }
            }
        }
        System.out.println("re-wrapped " + rewrapped + " key record(s) and the root under the new master key; now restart "
                + "every instance with it (pseudonym.master.key.file or $" + KeyVault.MASTER_KEY_ENV + ")");
        return 0;
    }
}
