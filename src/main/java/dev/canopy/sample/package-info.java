/**
 * Sample data for demos, benches and tests: scikit-learn's California housing data set, downloaded once and
 * cached as CSV; synthetic shards in the layout of the public NYC taxi 2009 files; and a taxi-shaped
 * regression data set of any size as Parquet parts. The command line's alone: no function or service
 * depends on it (DependencyRulesTest).
 */
package dev.canopy.sample;
