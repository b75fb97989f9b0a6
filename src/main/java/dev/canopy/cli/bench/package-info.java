/**
 * The {@code bench} commands (tree, predict, score, cold-start): a warm-up, then timed repeats, and a JSON
 * report of every run. They print figures; no test asserts a speed.
 */
package dev.canopy.cli.bench;
