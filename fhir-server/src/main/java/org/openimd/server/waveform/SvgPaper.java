package org.openimd.server.waveform;

import static org.openimd.server.waveform.EcgPaper.millimetres;

import org.springframework.web.util.HtmlUtils;

/** ECG paper as SVG whose user unit is the millimetre, so that it prints true to scale. */
final class SvgPaper implements PaperCanvas {

	private final StringBuilder myMinorLines = new StringBuilder();
	private final StringBuilder myMajorLines = new StringBuilder();
	private final StringBuilder myTraces = new StringBuilder();
	private String myHeader = "";

	static String render(EcgPaper thePaper) {
		SvgPaper svg = new SvgPaper();
		thePaper.drawOn(svg);
		return svg.myHeader
				+ "<path fill=\"none\" stroke=\"#f6cfcf\" stroke-width=\"0.05\" d=\"" + svg.myMinorLines + "\"/>"
				+ "<path fill=\"none\" stroke=\"#e28b8b\" stroke-width=\"0.15\" d=\"" + svg.myMajorLines + "\"/>"
				+ svg.myTraces + "</svg>\n";
	}

	@Override
	public void background(double theWidthMm, double theHeightMm) {
		String width = millimetres(theWidthMm);
		String height = millimetres(theHeightMm);
		myHeader = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + width + "mm\" height=\""
				+ height + "mm\" viewBox=\"0 0 " + width + " " + height + "\"><rect width=\"" + width + "\" height=\"" + height
				+ "\" fill=\"#fffafa\"/>";
	}

	@Override
	public void gridLine(double theX1, double theY1, double theX2, double theY2, boolean theMajor) {
		(theMajor ? myMajorLines : myMinorLines).append('M').append(millimetres(theX1)).append(' ').append(millimetres(theY1))
				.append('L').append(millimetres(theX2)).append(' ').append(millimetres(theY2));
	}

	@Override
	public void trace(double[] theXs, double[] theYs) {
		myTraces.append("<polyline fill=\"none\" stroke=\"#000\" stroke-width=\"0.25\" stroke-linejoin=\"round\" points=\"");
		for (int i = 0; i < theXs.length; i++) {
			myTraces.append(i == 0 ? "" : " ").append(millimetres(theXs[i])).append(',').append(millimetres(theYs[i]));
		}
		myTraces.append("\"/>");
	}

	@Override
	public void text(double theX, double theY, String theText, boolean theBold) {
		myTraces.append("<text x=\"").append(millimetres(theX)).append("\" y=\"").append(millimetres(theY))
				.append("\" font-family=\"sans-serif\" font-size=\"3\"").append(theBold ? " font-weight=\"bold\"" : "").append('>')
				.append(HtmlUtils.htmlEscape(theText, "UTF-8")).append("</text>");
	}
}
