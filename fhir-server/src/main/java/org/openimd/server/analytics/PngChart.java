package org.openimd.server.analytics;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import org.openimd.server.drawing.PngDrawing;

/**
 * A chart as a PNG, drawn at twice its size in pixels so that it stays sharp on high-density screens.
 * A PNG has no place for the chart's title and description beyond what is drawn; the SVG has.
 */
final class PngChart implements ChartCanvas {

	private static final int SCALE = 2;

	private BufferedImage myImage;
	private Graphics2D myGraphics;

	@Override
	public void begin(int theWidth, int theHeight, String theTitle, String theDescription) {
		myImage = new BufferedImage(theWidth * SCALE, theHeight * SCALE, BufferedImage.TYPE_INT_RGB);
		myGraphics = myImage.createGraphics();
		myGraphics.setColor(Color.WHITE);
		myGraphics.fillRect(0, 0, myImage.getWidth(), myImage.getHeight());
		myGraphics.scale(SCALE, SCALE);
		myGraphics.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
		myGraphics.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
	}

	@Override
	public void text(double theX, double theY, String theText, int theSize, Weight theWeight, int theRgb) {
		myGraphics.setColor(new Color(theRgb));
		int style = switch (theWeight) {
			case PLAIN -> Font.PLAIN;
			case BOLD -> Font.BOLD;
			case ITALIC -> Font.ITALIC;
		};
		myGraphics.setFont(new Font(Font.SANS_SERIF, style, theSize));
		myGraphics.drawString(theText, (float) theX, (float) theY);
	}

	@Override
	public void box(double theX, double theY, double theWidth, double theHeight, int theRgb) {
		myGraphics.setColor(new Color(theRgb));
		myGraphics.fill(new Rectangle2D.Double(theX, theY, theWidth, theHeight));
	}

	@Override
	public void line(double[] theXs, double[] theYs, int theRgb, double theWidth, boolean theDashed) {
		myGraphics.setColor(new Color(theRgb));
		myGraphics.setStroke(theDashed ? new BasicStroke((float) theWidth, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f)
				: new BasicStroke((float) theWidth));
		myGraphics.draw(PngDrawing.polyline(theXs, theYs));
	}

	@Override
	public byte[] finish() {
		myGraphics.dispose();
		return PngDrawing.encoded(myImage);
	}
}
