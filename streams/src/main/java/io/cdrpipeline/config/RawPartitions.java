package io.cdrpipeline.config;

import java.util.Map;
import java.util.OptionalInt;

/**
 * The raw topic's partition count, as the application learns it from the cluster at start and
 * hands it to its processors through Kafka Streams' application configs: parsing needs it to
 * tell a record our producers already placed, the sweeps to address a keep-alive to every
 * partition. One key, one reader.
 */
public final class RawPartitions {

    /** The application config key (not a user setting: {@code run} sets it). */
    public static final String CONFIG = "cdr.raw.partitions";

    private RawPartitions() {
    }

    /** Puts {@code partitions} into Kafka Streams' properties. */
    public static void put(Map<Object, Object> streamsProperties, int partitions) {
        streamsProperties.put(CONFIG, Integer.toString(partitions));
    }

    /** The count from a processor's {@code appConfigs()}; empty when the application could not read it. */
    public static OptionalInt of(Map<String, Object> appConfigs) {
        Object n = appConfigs.get(CONFIG);
        return n == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(n.toString()));
    }
}
