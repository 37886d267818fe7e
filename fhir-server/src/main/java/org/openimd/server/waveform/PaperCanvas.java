package org.openimd.server.waveform;

/** Where {@link EcgPaper} draws, in millimetres from the top left. */
interface PaperCanvas {

	void background(double theWidthMm, double theHeightMm);

	/** A line of the grid: every millimetre, heavier every fifth ({@code theMajor}). */
	void gridLine(double theX1, double theY1, double theX2, double theY2, boolean theMajor);

	void trace(double[] theXs, double[] theYs);

	void text(double theX, double theY, String theText, boolean theBold);
}
