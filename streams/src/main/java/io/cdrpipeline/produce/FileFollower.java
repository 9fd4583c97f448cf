package io.cdrpipeline.produce;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Properties;

/**
 * Follows a growing CDR file like {@code tail -F}: sends each complete line once, survives
 * rotation (the old file is read to its end before the new one is opened) and truncation, and
 * after a restart resumes where it stopped. The position is saved only after the sink confirmed
 * delivery, so a crash can resend at most the last unconfirmed lines — which the pipeline
 * deduplicates by record id — and never skips one.
 */
public final class FileFollower implements AutoCloseable {

    /** Where lines go: sent, then confirmed all at once by {@link #flush()}. */
    public interface Sink {
        void send(byte[] line, String file, long lineNumber);

        void flush();
    }

    private static final int CHUNK = 64 * 1024;

    private final Path path;
    private final Path stateFile;
    private final Sink sink;
    private FileChannel channel;
    private Object fileKey;
    private long position;
    private long line = 1;
    private byte[] partial = new byte[0];

    public FileFollower(Path path, Path stateFile, Sink sink) throws IOException {
        this.path = path;
        this.stateFile = stateFile;
        this.sink = sink;
        if (Files.exists(stateFile)) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(stateFile)) {
                p.load(r);
            }
            fileKey = p.getProperty("file-key");
            position = Long.parseLong(p.getProperty("position", "0"));
            line = Long.parseLong(p.getProperty("line", "1"));
        }
    }

    /** Reads what is new, follows a rotation or truncation, confirms delivery, saves the position; returns lines sent. */
    public int poll() throws IOException {
        int sent = 0;
        if (channel == null && !open()) {
            return 0;
        }
        sent += readToEnd();
        Object current = currentKey();
        if (current != null && !current.equals(fileKey)) {
            // Rotated: the old file has been read to its end above; continue with the new one from the start.
            sent += flushPartial();
            channel.close();
            channel = null;
            fileKey = null;
            position = 0;
            line = 1;
            if (open()) {
                sent += readToEnd();
            }
        } else if (current != null && Files.size(path) < position) {
            position = 0;                                   // truncated in place (copytruncate)
            line = 1;
            partial = new byte[0];
            sent += readToEnd();
        }
        if (sent > 0) {
            sink.flush();
            save();
        }
        return sent;
    }

    private boolean open() throws IOException {
        try {
            Object key = currentKey();
            if (key == null) {
                return false;
            }
            channel = FileChannel.open(path, StandardOpenOption.READ);
            if (!String.valueOf(key).equals(String.valueOf(fileKey))) {
                position = 0;                               // a file we have not seen: from its start
                line = 1;
            }
            fileKey = key;
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    private int readToEnd() throws IOException {
        int sent = 0;
        ByteBuffer buf = ByteBuffer.allocate(CHUNK);
        while (true) {
            buf.clear();
            int n = channel.read(buf, position + partial.length);
            if (n <= 0) {
                return sent;
            }
            byte[] data = new byte[partial.length + n];
            System.arraycopy(partial, 0, data, 0, partial.length);
            System.arraycopy(buf.array(), 0, data, partial.length, n);
            int start = 0;
            for (int i = 0; i < data.length; i++) {
                if (data[i] == '\n') {
                    sent += emit(Arrays.copyOfRange(data, start, i));
                    position += i + 1 - start;
                    start = i + 1;
                }
            }
            partial = Arrays.copyOfRange(data, start, data.length);
        }
    }

    /** A last line without its newline, in a file that has been rotated away, is complete. */
    private int flushPartial() {
        int sent = partial.length == 0 ? 0 : emit(partial);
        position += partial.length;
        partial = new byte[0];
        return sent;
    }

    private int emit(byte[] raw) {
        int end = raw.length;
        if (end > 0 && raw[end - 1] == '\r') {
            end--;
        }
        long number = line++;
        for (int i = 0; i < end; i++) {
            if (raw[i] != ' ' && raw[i] != '\t') {
                sink.send(Arrays.copyOf(raw, end), path.getFileName().toString(), number);
                return 1;
            }
        }
        return 0;
    }

    private Object currentKey() throws IOException {
        try {
            Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
            return key == null ? path.toString() : key.toString();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private void save() throws IOException {
        Properties p = new Properties();
        p.setProperty("file", path.toAbsolutePath().toString());
        p.setProperty("file-key", String.valueOf(fileKey));
        p.setProperty("position", Long.toString(position));
        p.setProperty("line", Long.toString(line));
        Path tmp = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp)) {
            p.store(w, "cdr-pipeline produce --follow position");
        }
        Files.move(tmp, stateFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
        }
    }
}
