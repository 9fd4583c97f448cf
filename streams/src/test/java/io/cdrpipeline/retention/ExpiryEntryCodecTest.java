package io.cdrpipeline.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExpiryEntryCodecTest {

    private static byte[] id(int seed) {
        byte[] b = new byte[16];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (seed * 31 + i);
        }
        return b;
    }

    private static ExpiryIndex.Entry entry(String account) {
        long end = 1_714_640_705_000L;
        return new ExpiryIndex.Entry(90L * 86_400_000, end, "pbx-berlin:1714640400.32~7d97e599a3d3", ExpiryIndex.PARKED,
                end + 61_234, id(1), account, List.of(id(2), id(3), id(4)));
    }

    private static void assertSame(ExpiryIndex.Entry a, ExpiryIndex.Entry b) {
        assertThat(b.window()).isEqualTo(a.window());
        assertThat(b.callEnd()).isEqualTo(a.callEnd());
        assertThat(b.recordId()).isEqualTo(a.recordId());
        assertThat(b.flags()).isEqualTo(a.flags());
        assertThat(b.arrival()).isEqualTo(a.arrival());
        assertThat(b.pseudoId()).isEqualTo(a.pseudoId());
        assertThat(b.account()).isEqualTo(a.account());
        assertThat(b.tokens()).hasSameSizeAs(a.tokens());
        for (int i = 0; i < a.tokens().size(); i++) {
            assertThat(b.tokens().get(i)).isEqualTo(a.tokens().get(i));
        }
    }

    @Test
    void compactValuesRoundTripAndAreSmallerThanTheFirstLayout() {
        for (String account : new String[] {"acct-9", null, ""}) {
            ExpiryIndex.Entry e = entry(account);
            byte[] compact = ExpiryEntryCodec.encode(e);
            assertSame(e, ExpiryEntryCodec.decode(e.window(), e.callEnd(), e.recordId(), compact));
            byte[] legacy = ExpiryEntryCodec.legacy(e, account == null ? null : account.getBytes(StandardCharsets.UTF_8));
            assertThat(compact.length).as("compact vs first layout").isLessThanOrEqualTo(legacy.length - 12);
        }
    }

    @Test
    void valuesOfTheFirstLayoutStillRead() {
        ExpiryIndex.Entry e = entry("acct-9");
        byte[] legacy = ExpiryEntryCodec.legacy(e, "acct-9".getBytes(StandardCharsets.UTF_8));
        assertSame(e, ExpiryEntryCodec.decode(e.window(), e.callEnd(), e.recordId(), legacy));
    }

    @Test
    void anArrivalBeforeTheCallEndsAndOddSizedIdsAreKeptExactly() {
        ExpiryIndex.Entry early = new ExpiryIndex.Entry(1000, 5000, "s:1", 0, 4000, id(1), null, List.of());
        assertSame(early, ExpiryEntryCodec.decode(1000, 5000, "s:1", ExpiryEntryCodec.encode(early)));
        ExpiryIndex.Entry odd = new ExpiryIndex.Entry(1000, 5000, "s:1", 1, 9000, new byte[] {1, 2, 3}, "a",
                List.of(new byte[] {9}));
        assertSame(odd, ExpiryEntryCodec.decode(1000, 5000, "s:1", ExpiryEntryCodec.encode(odd)));
    }
}
