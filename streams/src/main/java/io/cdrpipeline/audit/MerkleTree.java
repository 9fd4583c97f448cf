package io.cdrpipeline.audit;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A Merkle tree with RFC 6962 (RFC 9162 §2.1) hashing — leaf {@code SHA-256(0x00 ‖ data)}, node
 * {@code SHA-256(0x01 ‖ left ‖ right)} — over the receipts of one audit partition, in offset order.
 *
 * <p>It need not hold old leaves: it starts from a <em>frontier</em>, the hashes of the maximal
 * complete subtrees covering the first {@code size} leaves (one per set bit of {@code size}, largest
 * first), which a signed checkpoint carries. From there it appends leaves, computes the root of any
 * size, and builds the inclusion proof of any leaf appended since: every sibling on such a proof
 * that lies before the frontier's end is a frontier subtree or made of them. So receipts may age
 * out of the topic while their checkpoints still prove what was there, and later receipts stay provable.
 */
public final class MerkleTree {

    private static final byte LEAF = 0;
    private static final byte NODE = 1;

    /** A complete subtree of the frontier: leaves [start, start + 2^height). */
    private record Subtree(long start, int height, byte[] hash) {
        long end() {
            return start + (1L << height);
        }
    }

    private final List<Subtree> frontier = new ArrayList<>();
    private final long base;
    private final List<byte[]> leaves = new ArrayList<>();

    /** An empty tree. */
    public MerkleTree() {
        this(0, List.of());
    }

    /** A tree of {@code size} leaves known only by its frontier ({@link #frontier()} of a tree that size). */
    public MerkleTree(long size, List<byte[]> frontierHashes) {
        long start = 0;
        int i = 0;
        for (int h = 62; h >= 0; h--) {
            if ((size & (1L << h)) != 0) {
                if (i >= frontierHashes.size()) {
                    throw new IllegalArgumentException("a frontier of a tree of " + size + " leaves has " + Long.bitCount(size)
                            + " hashes, not " + frontierHashes.size());
                }
                frontier.add(new Subtree(start, h, frontierHashes.get(i++).clone()));
                start += 1L << h;
            }
        }
        if (i != frontierHashes.size()) {
            throw new IllegalArgumentException("a frontier of a tree of " + size + " leaves has " + Long.bitCount(size)
                    + " hashes, not " + frontierHashes.size());
        }
        this.base = size;
    }

    public static byte[] leafHash(byte[] data) {
        MessageDigest d = sha256();
        d.update(LEAF);
        d.update(data);
        return d.digest();
    }

    public static byte[] nodeHash(byte[] left, byte[] right) {
        MessageDigest d = sha256();
        d.update(NODE);
        d.update(left);
        d.update(right);
        return d.digest();
    }

    /**
     * A receipt as a leaf: its record key and value bytes as Kafka holds them, each with its length
     * (4 bytes, big-endian; -1 for null) — so neither can be shifted into the other.
     */
    public static byte[] leafData(byte[] key, byte[] value) {
        int k = key == null ? 0 : key.length;
        int v = value == null ? 0 : value.length;
        ByteBuffer b = ByteBuffer.allocate(8 + k + v);
        b.putInt(key == null ? -1 : k);
        if (key != null) {
            b.put(key);
        }
        b.putInt(value == null ? -1 : v);
        if (value != null) {
            b.put(value);
        }
        return b.array();
    }

    public void append(byte[] leafData) {
        leaves.add(leafHash(leafData));
    }

    public long size() {
        return base + leaves.size();
    }

    public byte[] root() {
        return size() == 0 ? sha256().digest() : hash(0, size());
    }

    /** The frontier of the whole tree now: what a checkpoint stores so that a successor can go on without the leaves. */
    public List<byte[]> frontier() {
        List<byte[]> out = new ArrayList<>();
        long start = 0;
        long n = size();
        for (int h = 62; h >= 0; h--) {
            if ((n & (1L << h)) != 0) {
                out.add(hash(start, start + (1L << h)));
                start += 1L << h;
            }
        }
        return out;
    }

    /** The inclusion proof (RFC 9162 §2.1.3.1) of leaf {@code index} in the tree of the first {@code treeSize} leaves. */
    public List<byte[]> inclusionProof(long index, long treeSize) {
        if (index < base || index >= treeSize || treeSize > size()) {
            throw new IllegalArgumentException("leaf " + index + " of " + treeSize + ": not provable from this tree (leaves "
                    + base + " to " + (size() - 1) + ")");
        }
        List<byte[]> path = new ArrayList<>();
        path(index, 0, treeSize, path);
        return path;
    }

    private void path(long m, long start, long end, List<byte[]> out) {
        long n = end - start;
        if (n == 1) {
            return;
        }
        long k = Long.highestOneBit(n - 1);
        if (m < start + k) {
            path(m, start, start + k, out);
            out.add(hash(start + k, end));
        } else {
            path(m, start + k, end, out);
            out.add(hash(start, start + k));
        }
    }

    /** MTH of leaves [start, end): from the frontier where it covers them, else from the leaves. */
    private byte[] hash(long start, long end) {
        for (Subtree s : frontier) {
            if (s.start() == start && s.end() == end) {
                return s.hash();
            }
        }
        long n = end - start;
        if (n == 1) {
            if (start < base) {
                throw new IllegalStateException("leaf " + start + " lies inside a frontier subtree");
            }
            return leaves.get((int) (start - base));
        }
        long k = Long.highestOneBit(n - 1);
        return nodeHash(hash(start, start + k), hash(start + k, end));
    }

    /** Checks an inclusion proof (RFC 9162 §2.1.3.2): does {@code leafHash} sit at {@code index} of the tree with {@code root}? */
    public static boolean verifyInclusion(byte[] leafHash, long index, long treeSize, List<byte[]> proof, byte[] root) {
        if (index >= treeSize) {
            return false;
        }
        long fn = index;
        long sn = treeSize - 1;
        byte[] r = leafHash;
        for (byte[] p : proof) {
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = nodeHash(p, r);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                r = nodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && Arrays.equals(r, root);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
