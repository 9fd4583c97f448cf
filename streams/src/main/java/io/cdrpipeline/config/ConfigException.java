package io.cdrpipeline.config;

/** A configuration problem, with a message that names the key and what is wrong with it. */
public final class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }
}
