/**
 * Random number generation that reproduces CPython 3.11's {@code random.Random} bit for bit.
 *
 * <p>{@link io.beambert.random.PythonRandom} is the generator; {@link io.beambert.random.RandomSource}
 * is the narrow interface the instance algorithms draw from, so that tests can substitute scripted
 * sources and distributed code can hand each element its own stream ({@link
 * io.beambert.random.PythonRandom#forKey(long, String, int, int)}). No Beam imports.
 */
package io.beambert.random;
