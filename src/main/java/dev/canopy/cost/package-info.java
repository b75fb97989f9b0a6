/**
 * What a run's invocations cost on Lambda: {@code CostMeter} counts every call with its billing (the REPORT
 * line's billed duration on Lambda, the wall time locally) and {@code CostReport} prices them with
 * {@code PriceTable} ({@code canopy.cost.*}). Plain Java.
 */
package dev.canopy.cost;
