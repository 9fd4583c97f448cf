package io.cdrpipeline.app;

import io.cdrpipeline.config.Settings;
import io.cdrpipeline.config.ConfigException;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.pseudonymize.KeyVault;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.LoggerFactory;
import io.cdrpipeline.config.SecretFiles;
import java.io.IOException;

/**
 * Where the pseudonymisation keys come from: the master key (environment or file), which unwraps
 * the rotating epochs on the key topic, or static keys (a key file or the environment), which
 * {@code run} takes only when the configuration names that mode. Every key file is checked for
 * its permissions and every key for its strength before use.
 */
public final class PipelineKeys {

    private PipelineKeys() {
    }

    /**
     * The master key's vault when keys live on the key topic — no static keys given, and the master
     * key in {@code $CDR_MASTER_KEY} or in the file {@code pseudonym.master.key.file} — else null.
     */
    public static KeyVault masterKeyVault(PipelineConfig c) {
        if (staticKeysGiven(c)) {
            return null;
        }
        String master = System.getenv(KeyVault.MASTER_KEY_ENV);
        if (master != null && !master.isBlank()) {
            try {
                return KeyVault.fromEnvironment(master);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("$" + KeyVault.MASTER_KEY_ENV + ": " + e.getMessage());
            }
        }
        String file = c.get(Settings.PSEUDONYM_MASTER_KEY_FILE);
        if (file.isBlank()) {
            return null;
        }
        String text = SecretFiles.read(Path.of(file), "pseudonym.master.key.file");
        try {
            return KeyVault.fromEnvironment(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("pseudonym.master.key.file: " + file + ": " + e.getMessage());
        }
    }

    private static boolean staticKeysGiven(PipelineConfig c) {
        String env = System.getenv(PipelineConfig.keyEnvironmentVariable());
        return !c.get(Settings.PSEUDONYM_KEY_FILE).isBlank() || env != null && !env.isBlank();
    }

    /**
     * Static keys (a key file, $CDR_PSEUDONYM_KEYS) never rotate and are never destroyed: every
     * pseudonym made under them stays linkable for as long as the file exists. {@code run} takes
     * them only when the config says so ({@code pseudonym.key.mode=static}: a lab, a test); in
     * production the keys live on the key topic under the master key.
     */
    public static KeyRing staticKeysForRun(PipelineConfig c) {
        String mode = c.get(Settings.PSEUDONYM_KEY_MODE);
        if (!List.of("", "store", "static").contains(mode)) {
            throw new ConfigException("pseudonym.key.mode: '" + mode + "' is not one of store, static");
        }
        if (staticKeysGiven(c) && !mode.equals("static")) {
            throw new ConfigException("run: static pseudonymisation keys (pseudonym.key.file or $"
                    + PipelineConfig.keyEnvironmentVariable() + ") never rotate and are never destroyed, so analytics "
                    + "pseudonyms stay linkable for as long as the file exists. In production give the master key "
                    + "instead ($" + KeyVault.MASTER_KEY_ENV + " or pseudonym.master.key.file; create one with: "
                    + "cdr-pipeline keys --master-key --out FILE) and no key file: monthly epochs on the key topic, "
                    + "destroyed when their data is gone. To run on static keys anyway, set pseudonym.key.mode=static.");
        }
        KeyRing keys = loadKeys(c);
        LoggerFactory.getLogger(PipelineKeys.class).warn("pseudonym.key.mode=static: {} fixed key epoch(s), no rotation, "
                + "no shredding; analytics pseudonyms stay linkable for as long as the keys exist", keys.epochs().size());
        return keys;
    }

    public static KeyRing loadKeys(PipelineConfig c) {
        String file = c.get(Settings.PSEUDONYM_KEY_FILE);
        String env = System.getenv(PipelineConfig.keyEnvironmentVariable());
        try {
            if (!file.isBlank()) {
                return KeyRing.load(Path.of(file));
            }
            if (env != null && !env.isBlank()) {
                return KeyRing.parse(env, "$" + PipelineConfig.keyEnvironmentVariable());
            }
        } catch (IOException e) {
            throw new ConfigException("pseudonym.key.file: cannot read " + file + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        throw new ConfigException("no pseudonymisation keys: give the master key ($" + KeyVault.MASTER_KEY_ENV
                + " or pseudonym.master.key.file; create one with: cdr-pipeline keys --master-key --out FILE) to keep "
                + "rotating, shreddable keys on the key topic, or static keys (pseudonym.key.file or $"
                + PipelineConfig.keyEnvironmentVariable() + ", with pseudonym.key.mode=static; cdr-pipeline keys --out FILE)");
    }
}
