package org.openimd.server.analytics;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.springframework.web.util.HtmlUtils;

/** A chart as SVG, with a title and description for screen readers. */
final class SvgChart implements ChartCanvas {

	private final StringBuilder mySvg = new StringBuilder();

	@Override
	public void begin(int theWidth, int theHeight, String theTitle, String theDescription) {
		mySvg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
				+ "role=\"img\" aria-labelledby=\"title desc\" font-family=\"sans-serif\">%n", theWidth, theHeight, theWidth, theHeight));
		mySvg.append("<title id=\"title\">").append(escaped(theTitle)).append("</title>\n");
		mySvg.append("<desc id=\"desc\">").append(escaped(theDescription)).append("</desc>\n");
		mySvg.append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
	}

	@Override
	public void text(double theX, double theY, String theText, int theSize, Weight theWeight, int theRgb) {
		mySvg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" fill=\"%s\"%s>%s</text>%n", theX, theY, theSize,
				colour(theRgb), switch (theWeight) {
					case PLAIN -> "";
					case BOLD -> " font-weight=\"bold\"";
					case ITALIC -> " font-style=\"italic\"";
				}, escaped(theText)));
	}

	@Override
	public void box(double theX, double theY, double theWidth, double theHeight, int theRgb) {
		mySvg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>%n", theX, theY, theWidth,
				theHeight, colour(theRgb)));
	}

	@Override
	public void line(double[] theXs, double[] theYs, int theRgb, double theWidth, boolean theDashed) {
		StringBuilder points = new StringBuilder();
		for (int i = 0; i < theXs.length; i++) {
			points.append(i == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.1f,%.1f", theXs[i], theYs[i]));
		}
		mySvg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\"%s points=\"%s\"/>%n", colour(theRgb),
				theWidth, theDashed ? " stroke-dasharray=\"6 4\"" : "", points));
	}

	@Override
	public byte[] finish() {
		return mySvg.append("</svg>\n").toString().getBytes(StandardCharsets.UTF_8);
	}

	private static String colour(int theRgb) {
		return String.format(Locale.ROOT, "#%06x", theRgb);
	}

	private static String escaped(String theText) {
		return HtmlUtils.htmlEscape(theText, "UTF-8");
	}
}
