package org.openimd.server.similar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The re-ranking's cross-correlation is the dot product of the normalised overlaps, computed in place. */
class LaggedCorrelationTest {

	@Test
	void theBestLagsCorrelationIsTheDotProductOfTheNormalisedOverlaps() {
		SplittableRandom random = new SplittableRandom(208);
		for (int pair = 0; pair < 200; pair++) {
			int length = 40 + random.nextInt(40);
			double[] one = random.doubles(length, -1, 1).toArray();
			double[] other = random.doubles(length + random.nextInt(-3, 4), -1, 1).toArray();
			int maxLag = random.nextInt(8);

			assertThat(WaveformFeatures.bestLaggedCorrelation(one, other, maxLag)).isCloseTo(byCopies(one, other, maxLag), within(1e-12));
		}
	}

	@Test
	void aFlatOverlapSaysNothingAtItsLag() {
		double[] flat = new double[50];
		Arrays.fill(flat, 0.3);
		double[] shape = new SplittableRandom(1).doubles(50, -1, 1).toArray();

		assertThat(WaveformFeatures.bestLaggedCorrelation(flat, shape, 5)).isEqualTo(-1);
		assertThat(WaveformFeatures.bestLaggedCorrelation(shape, shape, 5)).isCloseTo(1, within(1e-12));
	}

	/** The definition: at each lag, copy both overlaps, normalise them and take their dot product. */
	private static double byCopies(double[] theOne, double[] theOther, int theMaxLag) {
		double best = -1;
		for (int lag = -theMaxLag; lag <= theMaxLag; lag++) {
			int from = Math.max(0, -lag);
			int to = Math.min(theOne.length, theOther.length - lag);
			best = Math.max(best, WaveformFeatures.dot(WaveformFeatures.normalised(Arrays.copyOfRange(theOne, from, to)),
					WaveformFeatures.normalised(Arrays.copyOfRange(theOther, from + lag, to + lag))));
		}
		return best;
	}
}
