package io.cdrpipeline.connect;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdrpipeline.schema.AnalyticsRecord;
import io.cdrpipeline.schema.Disposition;
import io.cdrpipeline.schema.LegRole;
import io.cdrpipeline.schema.NumberType;
import io.cdrpipeline.schema.PseudonymousParty;
import io.cdrpipeline.schema.ReleasedSchemas;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import io.cdrpipeline.testing.Prerequisite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Python snippet for analysts, run as written (read from the README) by Debian's
 * {@code python3} with {@code python3-avro}, on records the pipeline's encoder wrote: the newest
 * contract and the first released one, read with the newest; a tombstone is None.
 */
class PythonSnippetTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @Test
    void theReadmeSnippetDecodesWhatThePipelineWrites(@TempDir Path dir) throws Exception {
        Prerequisite.require(Files.isExecutable(PYTHON) && run(List.of(PYTHON.toString(), "-c", "import avro.io"), dir)
                .exit == 0, "Python's Avro library for " + PYTHON + " (Debian: apt-get install python3-avro; .ci/run installs it)");
        String readme = Files.readString(Path.of("..", "README.md"));
        String block = readme.substring(readme.indexOf("<!-- python-snippet:begin -->"), readme.indexOf("<!-- python-snippet:end -->"));
        String snippet = block.substring(block.indexOf("```python\n") + "```python\n".length(), block.lastIndexOf("```"));

        List<String> avsc = new ArrayList<>();
        int v = 1;
        for (Schema ignored : ReleasedSchemas.versionsOf("AnalyticsRecord")) {
            Path p = dir.resolve("AnalyticsRecord-v" + v + ".avsc");
            try (InputStream in = ReleasedSchemas.class.getResourceAsStream("released/AnalyticsRecord/v" + v + ".avsc")) {
                Files.write(p, in.readAllBytes());
            }
            avsc.add(p.toString());
            v++;
        }
        Instant minute = Instant.parse("2026-03-01T10:00:00Z");
        AnalyticsRecord now = AnalyticsRecord.newBuilder().setPseudoRecordId("ydXRyJT1AU1sXydi5v6LUg").setKeyEpoch("2026-03")
                .setCalling(PseudonymousParty.newBuilder().setPseudonym("g_-8sPOB-V-zHLv4vvjpAA").setType(NumberType.E164)
                        .setCountryCode(49).setDestinationCode("30").setRegion("DE").build())
                .setCalled(PseudonymousParty.newBuilder().setType(NumberType.WITHHELD).build())
                .setStartMinute(minute).setDurationSeconds(112).setBillableSeconds(108).setDisposition(Disposition.ANSWERED)
                .setSource("pbx-berlin").setLegRole(LegRole.ORIGINATING).build();
        Files.write(dir.resolve("now.bin"), AnalyticsRecord.getEncoder().encode(now).array());
        Files.write(dir.resolve("v1.bin"), firstVersion(minute));

        Path driver = dir.resolve("read.py");
        Files.writeString(driver, snippet + """

                import json, sys
                writers, reader = load(sys.argv[1:-2])
                for path in sys.argv[-2:]:
                    r = decode(open(path, "rb").read(), writers, reader)
                    print(json.dumps({"id": r["pseudoRecordId"], "epoch": r["keyEpoch"], "calling": r["calling"]["pseudonym"],
                                      "cc": r["calling"]["countryCode"], "called": r["called"]["type"],
                                      "billable": r["billableSeconds"], "minute": str(r["startMinute"])}))
                print(json.dumps(decode(None, writers, reader)))
                """);
        List<String> cmd = new ArrayList<>(List.of(PYTHON.toString(), driver.toString()));
        cmd.addAll(avsc);
        cmd.add(dir.resolve("now.bin").toString());
        cmd.add(dir.resolve("v1.bin").toString());
        Result r = run(cmd, dir);
        assertThat(r.exit).as(r.output).isZero();
        assertThat(r.output.lines().toList()).containsExactly(
                "{\"id\": \"ydXRyJT1AU1sXydi5v6LUg\", \"epoch\": \"2026-03\", \"calling\": \"g_-8sPOB-V-zHLv4vvjpAA\", \"cc\": 49, "
                        + "\"called\": \"WITHHELD\", \"billable\": 108, \"minute\": \"2026-03-01 10:00:00+00:00\"}",
                "{\"id\": \"old\", \"epoch\": \"2024-01\", \"calling\": \"p1\", \"cc\": null, \"called\": \"E164\", "
                        + "\"billable\": 5, \"minute\": \"2026-03-01 10:00:00+00:00\"}",
                "null");
    }

    /** A record written with the first released AnalyticsRecord. */
    private static byte[] firstVersion(Instant minute) throws Exception {
        Schema v1 = ReleasedSchemas.versionsOf("AnalyticsRecord").get(0);
        Schema party = v1.getField("calling").schema();
        GenericRecord calling = new GenericData.Record(party);
        for (Schema.Field f : party.getFields()) {
            calling.put(f.name(), f.hasDefaultValue() ? GenericData.get().getDefaultValue(f) : null);
        }
        calling.put("pseudonym", "p1");
        calling.put("type", new GenericData.EnumSymbol(party.getField("type").schema(), "E164"));
        GenericRecord r = new GenericData.Record(v1);
        for (Schema.Field f : v1.getFields()) {
            r.put(f.name(), f.hasDefaultValue() ? GenericData.get().getDefaultValue(f) : null);
        }
        r.put("pseudoRecordId", "old");
        r.put("keyEpoch", "2024-01");
        r.put("calling", calling);
        r.put("called", calling);
        r.put("startMinute", minute.toEpochMilli());
        r.put("durationSeconds", 6L);
        r.put("billableSeconds", 5L);
        r.put("disposition", new GenericData.EnumSymbol(v1.getField("disposition").schema(), "ANSWERED"));
        r.put("source", "pbx-old");
        if (v1.getField("legRole") != null) {
            r.put("legRole", new GenericData.EnumSymbol(v1.getField("legRole").schema(), "UNKNOWN"));
        }
        return new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(r).array();
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> cmd, Path dir) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, out);
        }
        return new Result(p.exitValue(), out);
    }
}
