package io.cdrpipeline.produce;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileFollowerTest {

    @TempDir
    Path dir;

    /** Records what was confirmed; sent-but-unconfirmed lines are lost, as on a crash. */
    private static final class Confirmed implements FileFollower.Sink {
        final List<String> confirmed = new ArrayList<>();
        final List<String> pending = new ArrayList<>();

        @Override
        public void send(byte[] line, String file, long lineNumber) {
            pending.add(new String(line, StandardCharsets.UTF_8));
        }

        @Override
        public void flush() {
            confirmed.addAll(pending);
            pending.clear();
        }
    }

    @Test
    void shouldSendCompleteLinesOnceAndWaitForTheRestOfAPartialLine() throws Exception {
        Path csv = dir.resolve("Master.csv");
        Confirmed sink = new Confirmed();
        try (FileFollower f = new FileFollower(csv, dir.resolve("state"), sink)) {
            assertThat(f.poll()).as("no file yet").isZero();
            append(csv, "a,1\nb,2\nc,");
            assertThat(f.poll()).isEqualTo(2);
            append(csv, "3\r\n\n");
            assertThat(f.poll()).isEqualTo(1);
            assertThat(f.poll()).isZero();
        }
        assertThat(sink.confirmed).containsExactly("a,1", "b,2", "c,3");
    }

    @Test
    void shouldReadARotatedFileToItsEndThenFollowTheNewOne() throws Exception {
        Path csv = dir.resolve("Master.csv");
        Confirmed sink = new Confirmed();
        try (FileFollower f = new FileFollower(csv, dir.resolve("state"), sink)) {
            append(csv, "a,1\n");
            f.poll();
            append(csv, "b,2\nc,3");                        // written just before rotation, last line unterminated
            Files.move(csv, dir.resolve("Master.csv.1"));
            append(csv, "d,4\n");
            f.poll();
        }
        assertThat(sink.confirmed).containsExactly("a,1", "b,2", "c,3", "d,4");
    }

    @Test
    void shouldResumeAfterARestartWithoutDuplicatesOrGaps() throws Exception {
        Path csv = dir.resolve("Master.csv");
        Path state = dir.resolve("state");
        Confirmed first = new Confirmed();
        try (FileFollower f = new FileFollower(csv, state, first)) {
            append(csv, "a,1\nb,2\n");
            f.poll();
        }
        append(csv, "c,3\n");                               // written while the follower was down
        Confirmed second = new Confirmed();
        try (FileFollower f = new FileFollower(csv, state, second)) {
            f.poll();
        }
        assertThat(first.confirmed).containsExactly("a,1", "b,2");
        assertThat(second.confirmed).containsExactly("c,3");
    }

    @Test
    void shouldStartOverWhenTheFileIsTruncatedInPlace() throws Exception {
        Path csv = dir.resolve("Master.csv");
        Confirmed sink = new Confirmed();
        try (FileFollower f = new FileFollower(csv, dir.resolve("state"), sink)) {
            append(csv, "a,1\nb,2\n");
            f.poll();
            Files.writeString(csv, "x,9\n");                 // copytruncate-style rotation
            f.poll();
        }
        assertThat(sink.confirmed).containsExactly("a,1", "b,2", "x,9");
    }

    private static void append(Path file, String text) throws Exception {
        Files.writeString(file, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
