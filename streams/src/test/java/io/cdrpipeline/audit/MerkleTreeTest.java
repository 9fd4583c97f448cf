package io.cdrpipeline.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 6962 hashing, roots from a frontier, and inclusion proofs that verify — and fail for another leaf, index, tree shape or hash. */
class MerkleTreeTest {

    /** MTH as RFC 6962 §2.1 defines it, recursively, from all the leaves: the reference the tree is held to. */
    private static byte[] mth(List<byte[]> data, int from, int to) {
        if (to - from == 1) {
            return MerkleTree.leafHash(data.get(from));
        }
        int k = Integer.highestOneBit(to - from - 1);
        return MerkleTree.nodeHash(mth(data, from, from + k), mth(data, from + k, to));
    }

    private static List<byte[]> leaves(int n) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(("receipt " + i).getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void theEmptyTreesRootIsTheHashOfNothingAndOneLeafsIsItsLeafHash() {
        assertThat(HexFormat.of().formatHex(new MerkleTree().root()))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        MerkleTree t = new MerkleTree();
        t.append(new byte[0]);
        // RFC 6962 test vector: the leaf hash of the empty string.
        assertThat(HexFormat.of().formatHex(t.root()))
                .isEqualTo("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
    }

    @Test
    void rootsEqualTheRfcDefinitionAndATreeResumedFromAnyFrontierGivesTheSameRootsAndProofs() {
        List<byte[]> data = leaves(70);
        for (int n = 1; n <= data.size(); n++) {
            MerkleTree full = new MerkleTree();
            data.subList(0, n).forEach(full::append);
            assertThat(full.root()).as("size %d", n).isEqualTo(mth(data, 0, n));
            for (int s = 0; s <= n; s += 7) {
                MerkleTree head = new MerkleTree();
                data.subList(0, s).forEach(head::append);
                MerkleTree resumed = new MerkleTree(s, head.frontier());
                data.subList(s, n).forEach(resumed::append);
                assertThat(resumed.root()).as("size %d resumed at %d", n, s).isEqualTo(full.root());
                for (int m = s; m < n; m++) {
                    List<byte[]> proof = resumed.inclusionProof(m, n);
                    assertThat(proof).as("proof of %d in %d from %d", m, n, s)
                            .usingElementComparator((a, b) -> java.util.Arrays.equals(a, b) ? 0 : 1)
                            .containsExactlyElementsOf(full.inclusionProof(m, n));
                    assertThat(MerkleTree.verifyInclusion(MerkleTree.leafHash(data.get(m)), m, n, proof, full.root())).isTrue();
                }
            }
        }
    }

    @Test
    void aProofFailsForAnotherLeafAnotherIndexAnotherTreeShapeOrAChangedHash() {
        List<byte[]> data = leaves(13);
        MerkleTree t = new MerkleTree();
        data.forEach(t::append);
        List<byte[]> proof = t.inclusionProof(5, 13);
        byte[] leaf = MerkleTree.leafHash(data.get(5));
        assertThat(MerkleTree.verifyInclusion(leaf, 5, 13, proof, t.root())).isTrue();
        assertThat(MerkleTree.verifyInclusion(MerkleTree.leafHash(data.get(6)), 5, 13, proof, t.root())).isFalse();
        assertThat(MerkleTree.verifyInclusion(leaf, 4, 13, proof, t.root())).isFalse();
        assertThat(MerkleTree.verifyInclusion(leaf, 5, 8, proof, t.root())).isFalse();
        List<byte[]> changed = new ArrayList<>(proof);
        changed.set(1, MerkleTree.leafHash("x".getBytes(StandardCharsets.UTF_8)));
        assertThat(MerkleTree.verifyInclusion(leaf, 5, 13, changed, t.root())).isFalse();
        assertThat(MerkleTree.verifyInclusion(leaf, 5, 13, proof.subList(0, proof.size() - 1), t.root())).isFalse();
    }

    @Test
    void aLeafBeforeTheFrontierCannotBeProvedAndAFrontierOfTheWrongLengthIsRefused() {
        MerkleTree head = new MerkleTree();
        leaves(6).forEach(head::append);
        MerkleTree resumed = new MerkleTree(6, head.frontier());
        resumed.append(new byte[] {1});
        assertThatThrownBy(() -> resumed.inclusionProof(3, 7)).hasMessageContaining("not provable");
        assertThatThrownBy(() -> new MerkleTree(7, head.frontier())).hasMessageContaining("has 3 hashes, not 2");
    }

    @Test
    void leafDataKeepsKeyAndValueApart() {
        assertThat(MerkleTree.leafData(new byte[] {1, 2}, new byte[] {3}))
                .isNotEqualTo(MerkleTree.leafData(new byte[] {1}, new byte[] {2, 3}));
        assertThat(MerkleTree.leafData(null, new byte[0])).isNotEqualTo(MerkleTree.leafData(new byte[0], new byte[0]));
    }
}
