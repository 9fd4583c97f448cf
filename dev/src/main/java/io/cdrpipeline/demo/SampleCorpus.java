package io.cdrpipeline.demo;

import io.cdrpipeline.ingest.CdrFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** The bundled sample files (every supported format, good and bad lines) and the source settings they need. */
public final class SampleCorpus {

    /** One bundled file with the format and source it is loaded as. */
    public record SampleFile(String path, CdrFormat format, String source) {

        public byte[] bytes() {
            return read(path);
        }
    }

    private SampleCorpus() {
    }

    public static List<SampleFile> files() {
        return new String(read("index.txt"), StandardCharsets.UTF_8).lines()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .map(l -> l.split("\\|"))
                .map(p -> new SampleFile(p[0], CdrFormat.parse(p[1]).orElseThrow(), p[2]))
                .toList();
    }

    /** {@code source.*} settings for the corpus's switches, as a config file would give them. */
    public static Map<String, String> sourceSettings() {
        Properties p = new Properties();
        try {
            p.load(new StringReader(new String(read("sources.properties"), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> m = new HashMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
        return m;
    }

    /**
     * Writes the policy the samples are kept under ({@code samples/retention-policy.yaml}: windows
     * longer than the samples' age, so that nothing is deleted while a demo or test reads them) into
     * {@code dir}; returns its path, for {@code retention.policy.file}.
     */
    public static Path writeRetentionPolicy(Path dir) {
        try {
            Files.createDirectories(dir);
            return Files.write(dir.resolve("retention-policy.yaml"), read("retention-policy.yaml"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] read(String path) {
        try (InputStream in = SampleCorpus.class.getResourceAsStream("/samples/" + path)) {
            if (in == null) {
                throw new IllegalStateException("missing bundled sample " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
