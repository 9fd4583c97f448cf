package io.cdrpipeline.config;

import java.time.Duration;
import java.util.function.BiFunction;

/**
 * One setting, by key and type: what code reads a setting through ({@link PipelineConfig#get(Setting)}),
 * so that a key is written once ({@link Settings}) and its value is parsed the one way its
 * definition says. The values were validated when the configuration was loaded.
 */
public final class Setting<T> {

    private final String key;
    private final BiFunction<String, String, T> read;

    private Setting(String key, BiFunction<String, String, T> read) {
        this.key = key;
        this.read = read;
    }

    static Setting<String> text(String key) {
        return new Setting<>(key, (value, k) -> value);
    }

    static Setting<Integer> number(String key) {
        return new Setting<>(key, (value, k) -> Integer.valueOf(value));
    }

    static Setting<Boolean> flag(String key) {
        return new Setting<>(key, (value, k) -> Boolean.valueOf(value));
    }

    static Setting<Duration> duration(String key) {
        return new Setting<>(key, (value, k) -> Durations.parse(value, k));
    }

    public String key() {
        return key;
    }

    T read(String value) {
        return read.apply(value, key);
    }

    @Override
    public String toString() {
        return key;
    }
}
