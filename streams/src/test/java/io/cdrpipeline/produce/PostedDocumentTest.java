package io.cdrpipeline.produce;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What mod_json_cdr posts, well-formed and hostile: the document or null, never an exception. */
class PostedDocumentTest {

    private static final String FORM = "application/x-www-form-urlencoded";

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theThreeEncodingsOfModJsonCdr() {
        assertThat(new String(PostedDocument.extract(bytes("uuid=1&cdr=%7B%22a%22%3A1%7D"), FORM), StandardCharsets.UTF_8))
                .isEqualTo("{\"a\":1}");
        assertThat(new String(PostedDocument.extract(bytes("cdr=eyJhIjoxfQ=="), FORM), StandardCharsets.UTF_8))
                .isEqualTo("{\"a\":1}");
        assertThat(new String(PostedDocument.extract(bytes("{\"a\":1}"), "application/json"), StandardCharsets.UTF_8))
                .isEqualTo("{\"a\":1}");
    }

    @Test
    void hostileOrEmptyBodiesAreNoDocument() {
        String[] bodies = {"", "cdr=", "cdr", "&&&", "cdr=%", "cdr=%zz%7B", "cdr=%E0%A4%7B%7D", "cdr=@@@not-base64@@@",
            "cdr=%5B1%2C2%5D", "cdr=" + "%7B".repeat(100_000), "x=%&cdr"};
        for (String b : bodies) {
            assertThat(PostedDocument.extract(bytes(b), FORM)).as(b.length() > 40 ? b.substring(0, 40) : b).isNull();
        }
        assertThat(PostedDocument.extract(new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 1}, "application/json")).isNull();
        // Issue 23: a document followed by anything but white space is no document.
        assertThat(PostedDocument.extract(bytes("{\"a\":1} trailing text"), "application/json")).isNull();
        assertThat(PostedDocument.extract(bytes("{\"a\":1}{\"b\":2}"), "application/json")).isNull();
        assertThat(PostedDocument.extract(bytes("cdr=%7B%22a%22%3A1%7D%20x"), FORM)).isNull();
        assertThat(PostedDocument.extract(bytes("{\"a\":1}\n"), "application/json")).isNotNull();
        // A malformed pair elsewhere in the form does not hide the document.
        assertThat(PostedDocument.extract(bytes("x=%zz&cdr=%7B%22a%22%3A1%7D"), FORM)).isNotNull();
        assertThat(PostedDocument.fields("source=pbx%201&format=asterisk-csv&bad=%")).containsEntry("source", "pbx 1")
                .containsEntry("format", "asterisk-csv");
    }
}
