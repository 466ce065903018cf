/**
 * Random number generation: CPython 3.11's {@code random.Random} bit for bit, and fast keyed streams.
 *
 * <p>{@link io.beambert.random.PythonRandom} reproduces Python's generator (reference mode); {@link
 * io.beambert.random.KeyedRandom} is a fast stream per key with the same kinds of draws, for the
 * distributed mode's streams per document, pass and step. {@link io.beambert.random.RandomSource} is the narrow
 * interface the instance algorithms draw from, so that tests can substitute scripted sources. No
 * Beam imports.
 */
package io.beambert.random;
