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

    /**
     * A crash between send and flush (issue 14): the broker may or may not have the sent lines, the
     * position was not saved, so the next run sends them again — nothing is lost; the copies are the
     * same CDRs, which the pipeline's dedupe drops (ForeignProducersEndToEndTest, EndToEndTest).
     */
    @Test
    void shouldSendAgainWhatACrashBetweenSendAndFlushLeftUnconfirmed() throws Exception {
        Path csv = dir.resolve("Master.csv");
        Path state = dir.resolve("state");
        List<String> sentBeforeCrash = new ArrayList<>();
        FileFollower.Sink crashing = new FileFollower.Sink() {
            @Override
            public void send(byte[] line, String file, long lineNumber) {
                sentBeforeCrash.add(new String(line, StandardCharsets.UTF_8));
            }

            @Override
            public void flush() {
                throw new IllegalStateException("killed between send and flush");
            }
        };
        append(csv, "a,1\nb,2\n");
        try (FileFollower f = new FileFollower(csv, state, crashing)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(f::poll).hasMessageContaining("killed");
        }
        append(csv, "c,3\n");
        Confirmed restarted = new Confirmed();
        try (FileFollower f = new FileFollower(csv, state, restarted)) {
            f.poll();
        }
        assertThat(sentBeforeCrash).containsExactly("a,1", "b,2");
        assertThat(restarted.confirmed).as("sent again, then the new line: no gap").containsExactly("a,1", "b,2", "c,3");
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
