/**
 * What the commands share: option parsing and checking ({@code Options}), result tables ({@code Tables}),
 * progress on the terminal ({@code ProgressDisplay}, {@code ProgressOption}), errors as messages and exit codes
 * ({@code ErrorReporter}, {@code ExitCodes}) and running a supervise and printing its answer
 * ({@code Supervision}). Both {@code cli} and {@code cli.bench} use it, and it uses neither, so the two
 * command packages do not depend on each other in a cycle.
 */
package dev.canopy.cli.shared;
