/**
 * A run's report: one self-contained HTML page (inline styles, script and SVG charts, and a
 * Content-Security-Policy that loads nothing else), written beside the run's result from its
 * {@code result.json} and each model's insights.
 */
package dev.canopy.report;
