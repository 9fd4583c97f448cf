package io.cdrpipeline.topology;

import io.cdrpipeline.config.Settings;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.normalize.NumberNormalizer;
import io.cdrpipeline.pseudonymize.NumberFacts;

/**
 * The bounded caches of number look-ups (normalisation to E.164; country and destination code),
 * shared by every stream thread of a topology. Pure functions of their keys, so whoever holds a
 * warm pair may hand it to a new topology (the benchmark does, to measure the steady state).
 */
public record NumberCaches(NumberNormalizer numbers, NumberFacts facts) {

    public static NumberCaches of(PipelineConfig config) {
        long size = config.get(Settings.NUMBERS_CACHE_SIZE);
        return new NumberCaches(new NumberNormalizer(size), new NumberFacts(size));
    }

    /** Independent caches holding the same entries. */
    public NumberCaches copy() {
        return new NumberCaches(numbers.copy(), facts.copy());
    }
}
