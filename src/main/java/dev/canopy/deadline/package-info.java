/**
 * When the invocation running on a thread must have answered: the Lambda context's remaining time, set by the
 * Lambda handler as an invocation begins, against which services weigh their configured budgets. Plain Java;
 * functions set it, services read it.
 */
package dev.canopy.deadline;
