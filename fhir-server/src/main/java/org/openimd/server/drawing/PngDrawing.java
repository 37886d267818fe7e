package org.openimd.server.drawing;

import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** What every picture the server draws in Java2D does alike: a line through points, and the finished image as PNG bytes. */
public final class PngDrawing {

	private PngDrawing() {}

	/** The line through the points ({@code theXs[i]}, {@code theYs[i]}) in order. */
	public static Path2D.Double polyline(double[] theXs, double[] theYs) {
		Path2D.Double path = new Path2D.Double();
		path.moveTo(theXs[0], theYs[0]);
		for (int i = 1; i < theXs.length; i++) {
			path.lineTo(theXs[i], theYs[i]);
		}
		return path;
	}

	public static byte[] encoded(BufferedImage theImage) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try {
			ImageIO.write(theImage, "png", bytes);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		return bytes.toByteArray();
	}
}
