package io.cdrpipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The switch-id rule against an independent oracle (the documented regex): an id is kept as it is
 * exactly when, without its {@code @host} part, it is a token of 1-128 of {@code [A-Za-z0-9._:~+=-]};
 * anything else becomes {@code h-} and 32 hex digits, the same for the same id. Characters around
 * every range boundary and lengths around 128 are generated on purpose.
 */
class SwitchIdsPropertiesTest {

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._:~+=-]{1,128}");

    @Property(tries = 3000)
    void keepsExactlyTheTokensAndDigestsTheRest(@ForAll("ids") String id) {
        String cleaned = SwitchIds.clean(id);
        String stripped = id.strip();
        if (stripped.isEmpty()) {
            assertThat(cleaned).isNull();
            return;
        }
        int at = stripped.indexOf('@');
        String candidate = at > 0 ? stripped.substring(0, at) : stripped;
        if (TOKEN.matcher(candidate).matches()) {
            assertThat(cleaned).isEqualTo(candidate);
        } else {
            assertThat(cleaned).matches("h-[0-9a-f]{32}").isEqualTo(SwitchIds.clean(id));
        }
    }

    @Provide
    Arbitrary<String> ids() {
        // Each side of every boundary of the token alphabet, the separators, and a few others.
        Arbitrary<Character> chars = Arbitraries.of('a', 'z', '`', '{', 'A', 'Z', '@', '[', '0', '9', '/', ';', '.', '_',
                ':', '~', '+', '=', '-', ',', ' ', '*', '#', 'é', '"');
        Arbitrary<String> shortIds = chars.list().ofMinSize(1).ofMaxSize(12).map(SwitchIdsPropertiesTest::join);
        Arbitrary<String> longIds = Arbitraries.integers().between(126, 130)
                .flatMap(n -> Arbitraries.of('a', '7', '-').list().ofSize(n).map(SwitchIdsPropertiesTest::join));
        return Arbitraries.oneOf(shortIds, shortIds, longIds);
    }

    private static String join(java.util.List<Character> cs) {
        StringBuilder b = new StringBuilder();
        cs.forEach(b::append);
        return b.toString();
    }
}
