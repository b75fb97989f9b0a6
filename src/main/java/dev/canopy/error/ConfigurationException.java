package dev.canopy.error;

/**
 * Canopy's environment lacks a setting it needs (an AWS region, credentials). Permanent: no retry helps
 * until the setting is made, so the message names what to set.
 */
public class ConfigurationException extends CanopyException {
    public ConfigurationException(String message, Throwable cause) {
        super(message, false, cause);
    }
}
