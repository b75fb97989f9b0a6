/**
 * Wiring: {@code CanopyConfig}, the {@code @ConfigMapping} of every {@code canopy.*} setting (docs/configuration.md
 * is generated from it), and the CDI producers that choose the adapters of the storage and invocation ports;
 * also the native-image registrations, the SnapStart hooks and the one-line errors for missing AWS settings.
 */
package dev.canopy.config;
