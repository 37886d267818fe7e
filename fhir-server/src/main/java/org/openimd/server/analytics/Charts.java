package org.openimd.server.analytics;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;

/**
 * A statistic drawn, for people who would rather look than read ({@code chart=svg} or {@code chart=png}),
 * and the reading of the answer a chart is drawn from: a chart shows the answer itself, so it can show
 * nothing that small-cell suppression withheld.
 */
enum Charts {
	SVG("image/svg+xml", SvgChart::new),
	PNG("image/png", PngChart::new);

	/** Colours told apart also by people with the common colour-vision deficiencies (Okabe and Ito's palette). */
	static final List<Integer> COLOURS = List.of(0x0072b2, 0xe69f00, 0x009e73, 0xcc79a7, 0x56b4e9, 0xd55e00, 0xf0e442, 0x000000);
	static final int INK = 0x1a1a1a;
	static final int MUTED = 0x4a4a4a;

	private final String myContentType;
	private final Supplier<ChartCanvas> myCanvas;

	Charts(String theContentType, Supplier<ChartCanvas> theCanvas) {
		myContentType = theContentType;
		myCanvas = theCanvas;
	}

	/** The chart asked for; none when {@code chart} is absent (the figures as Parameters are wanted). */
	static Optional<Charts> asked(StringType theChart) {
		if (theChart == null) {
			return Optional.empty();
		}
		return Arrays.stream(values()).filter(format -> format.name().toLowerCase(Locale.ROOT).equals(theChart.getValue())).findFirst()
				.or(() -> {
					throw new InvalidRequestException("chart is svg or png, or absent for the figures as Parameters; not " + theChart.getValue());
				});
	}

	Binary drawn(Consumer<ChartCanvas> theDrawing) {
		ChartCanvas canvas = myCanvas.get();
		theDrawing.accept(canvas);
		Binary chart = new Binary().setContentType(myContentType);
		chart.setData(canvas.finish());
		return chart;
	}

	/** The rows of an answer a chart draws: its strata, then its total. */
	static List<ParametersParameterComponent> rows(Parameters theAnswer) {
		return theAnswer.getParameter().stream().filter(parameter -> parameter.getName().equals("stratum") || parameter.getName().equals("total")).toList();
	}

	/** The value of part {@code thePart} of an answer's parameter, as text. */
	static Optional<String> text(ParametersParameterComponent theParameter, String thePart) {
		return theParameter.getPart().stream().filter(part -> part.getName().equals(thePart) && part.hasValue()).findFirst()
				.map(part -> ((Type) part.getValue()).primitiveValue());
	}

	static Optional<Double> number(ParametersParameterComponent theParameter, String thePart) {
		return text(theParameter, thePart).map(Double::parseDouble);
	}

	/** The value of an answer's top-level parameter, as text. */
	static String value(ParametersParameterComponent theParameter) {
		return Optional.ofNullable(theParameter).filter(ParametersParameterComponent::hasValue).map(parameter -> parameter.getValue().primitiveValue())
				.orElse("?");
	}
}
