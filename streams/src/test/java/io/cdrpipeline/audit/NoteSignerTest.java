package io.cdrpipeline.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** C2SP signed notes with Ed25519: what one key signed verifies under its verifier key, and nothing else does. */
class NoteSignerTest {

    @Test
    void aSignedCheckpointVerifiesAndParsesBack(@TempDir Path dir) throws Exception {
        NoteSigner signer = NoteSigner.generate("cdr-pipeline-audit");
        Checkpoint c = new Checkpoint(Checkpoint.origin("app", "cdr.audit", 3), 3, 42, new byte[32], 0, 57,
                Instant.parse("2026-12-07T08:00:00Z"));
        String note = signer.sign(c.body());
        assertThat(note).startsWith("cdr-pipeline/app/cdr.audit/3\n42\n").contains("\n\n\u2014 cdr-pipeline-audit ");
        NoteSigner.Verifier v = NoteSigner.Verifier.parse(signer.verifierKey());
        Checkpoint back = Checkpoint.parse(v.verify(note));
        assertThat(back.partition()).isEqualTo(3);
        assertThat(back.treeSize()).isEqualTo(42);
        assertThat(back.nextOffset()).isEqualTo(57);

        // The key file round-trips: the loaded signer is the same key.
        Path file = dir.resolve("audit.key");
        Files.writeString(file, signer.keyFile());
        // A private key readable by group or others is refused, naming the chmod that fixes it.
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> NoteSigner.load(file)).hasMessageContaining("audit.signing.key.file")
                .hasMessageContaining("chmod 600");
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertThat(NoteSigner.load(file).verifierKey()).isEqualTo(signer.verifierKey());
        assertThat(v.verify(NoteSigner.load(file).sign("x\n"))).isEqualTo("x\n");
    }

    @Test
    void aChangedNoteOrAnotherKeysSignatureIsRefusedSayingWhich() {
        NoteSigner signer = NoteSigner.generate("cdr-pipeline-audit");
        NoteSigner.Verifier v = NoteSigner.Verifier.parse(signer.verifierKey());
        String note = signer.sign("origin\n10\nAAAA\n");
        assertThatThrownBy(() -> v.verify(note.replace("10", "11"))).hasMessageContaining("does not verify");
        String other = NoteSigner.generate("cdr-pipeline-audit").sign("origin\n10\nAAAA\n");
        assertThatThrownBy(() -> v.verify(other)).hasMessageContaining("signed by another key");
        assertThatThrownBy(() -> v.verify("origin\n10\n")).hasMessageContaining("not a signed note");
        assertThatThrownBy(() -> NoteSigner.Verifier.parse("cdr-pipeline-audit+00000000+AAAA"))
                .hasMessageContaining("not an Ed25519 verifier key");
        // The key id is bound to name and key: a verifier key with another name does not parse.
        String[] parts = signer.verifierKey().split("\\+");
        assertThatThrownBy(() -> NoteSigner.Verifier.parse("someone-else+" + parts[1] + "+" + parts[2]))
                .hasMessageContaining("not an Ed25519 verifier key");
    }
}
