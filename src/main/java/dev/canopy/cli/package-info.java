/**
 * Canopy's command line on picocli, one class per command (train, status, report, demo, predict, invoke,
 * serve, generate): the same functions as on Lambda, run in-process or through the Lambda Invoke API.
 * Tables and progress for people, {@code --json} for programs, one-line errors with exit codes; the
 * benches are in {@code cli.bench}.
 */
package dev.canopy.cli;
