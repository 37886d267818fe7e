package org.openimd.server.analytics;

/** Where a statistic's chart is drawn, in pixels from the top left; {@link SvgChart} and {@link PngChart} render it. */
interface ChartCanvas {

	/** How a text is set: plain, bold (a total, a heading) or italic (a note such as "suppressed"). */
	enum Weight {
		PLAIN,
		BOLD,
		ITALIC
	}

	/**
	 * A white canvas; {@code theTitle} and {@code theDescription} are what a screen reader says of the
	 * chart (the SVG's title and desc) and are drawn by the chart itself where it wants them seen.
	 */
	void begin(int theWidth, int theHeight, String theTitle, String theDescription);

	void text(double theX, double theY, String theText, int theSize, Weight theWeight, int theRgb);

	void box(double theX, double theY, double theWidth, double theHeight, int theRgb);

	void line(double[] theXs, double[] theYs, int theRgb, double theWidth, boolean theDashed);

	/** The chart, as its format's bytes. */
	byte[] finish();
}
