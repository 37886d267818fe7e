package org.openimd.server.waveform;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import org.openimd.server.drawing.PngDrawing;

/** ECG paper as a PNG at {@link #PIXELS_PER_MM} pixels per millimetre (127 dpi). */
final class PngPaper implements PaperCanvas {

	static final int PIXELS_PER_MM = 5;

	private static final Color PAPER = new Color(0xfffafa);
	private static final Color MINOR = new Color(0xf6cfcf);
	private static final Color MAJOR = new Color(0xe28b8b);

	private BufferedImage myImage;
	private Graphics2D myGraphics;

	static byte[] render(EcgPaper thePaper) {
		PngPaper png = new PngPaper();
		thePaper.drawOn(png);
		png.myGraphics.dispose();
		return PngDrawing.encoded(png.myImage);
	}

	@Override
	public void background(double theWidthMm, double theHeightMm) {
		myImage = new BufferedImage((int) Math.ceil(theWidthMm * PIXELS_PER_MM), (int) Math.ceil(theHeightMm * PIXELS_PER_MM),
				BufferedImage.TYPE_INT_RGB);
		myGraphics = myImage.createGraphics();
		myGraphics.setColor(PAPER);
		myGraphics.fillRect(0, 0, myImage.getWidth(), myImage.getHeight());
		myGraphics.scale(PIXELS_PER_MM, PIXELS_PER_MM);
		myGraphics.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
	}

	@Override
	public void gridLine(double theX1, double theY1, double theX2, double theY2, boolean theMajor) {
		myGraphics.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
		myGraphics.setColor(theMajor ? MAJOR : MINOR);
		// One device pixel, or two for the heavier lines, whatever the scale.
		myGraphics.setStroke(new BasicStroke((theMajor ? 2f : 1f) / PIXELS_PER_MM));
		myGraphics.draw(new Line2D.Double(theX1, theY1, theX2, theY2));
	}

	@Override
	public void trace(double[] theXs, double[] theYs) {
		myGraphics.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
		myGraphics.setColor(Color.BLACK);
		myGraphics.setStroke(new BasicStroke(0.25f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
		myGraphics.draw(PngDrawing.polyline(theXs, theYs));
	}

	@Override
	public void text(double theX, double theY, String theText, boolean theBold) {
		myGraphics.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
		myGraphics.setColor(Color.BLACK);
		myGraphics.setFont(new Font(Font.SANS_SERIF, theBold ? Font.BOLD : Font.PLAIN, 1).deriveFont(3f));
		myGraphics.drawString(theText, (float) theX, (float) theY);
	}
}
