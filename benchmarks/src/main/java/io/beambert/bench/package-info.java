/** JMH benchmarks of the hot paths; run as described in BENCHMARKS.md. */
package io.beambert.bench;
