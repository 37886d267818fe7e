package org.openimd.server.waveform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.SampledData;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

class EcgPaperTest {

	private static final int MINOR = 0xf6cfcf;
	private static final int MAJOR = 0xe28b8b;
	private static final int PX = PngPaper.PIXELS_PER_MM;

	@Test
	void aTenSecondStripIsTwoHundredAndFiftyMillimetresOfTraceOnAOneMillimetreGrid() throws Exception {
		EcgPaper paper = new EcgPaper(Waveform.of(WaveformSamples.mitBih208Strips().get(0)), "MIT-BIH 208");
		BufferedImage image = ImageIO.read(new ByteArrayInputStream(PngPaper.render(paper)));

		// 25 mm/s: ten seconds take 250 mm after the 20 mm of label and calibration pulse.
		assertThat(paper.widthMm()).isEqualTo(275);
		assertThat(image.getWidth()).isEqualTo(275 * PX);
		int row = (int) Math.round((paper.heightMm() - 0.5) * PX);
		int start = (int) Math.round(EcgPaper.xOf(0) * PX);
		// Heavier lines every 5 mm (200 ms) from the start of the trace, light ones every millimetre (40 ms) between.
		for (int millimetre = 0; millimetre <= 250; millimetre++) {
			int colour = image.getRGB(start + millimetre * PX, row) & 0xffffff;
			assertThat(colour).as("the line %d mm after the start", millimetre).isEqualTo(millimetre % 5 == 0 ? MAJOR : MINOR);
			assertThat(image.getRGB(start + millimetre * PX + 2, row) & 0xffffff).as("paper between lines").isNotIn(MAJOR, MINOR);
		}
	}

	@Test
	void everyChannelIsLabelledWithACalibrationPulseOfOneMillivoltTenMillimetresHigh() throws Exception {
		EcgPaper paper = new EcgPaper(Waveform.of(WaveformSamples.twelveLeadEcg()), "12-lead");
		Document svg = svg(SvgPaper.render(paper));

		assertThat(texts(svg)).contains("I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6");
		List<double[]> pulses = polylines(svg).stream().filter(points -> points.length == 12).toList();
		assertThat(pulses).hasSize(12).allSatisfy(pulse -> {
			assertThat(pulse[1] - pulse[5]).as("1 mV at 10 mm/mV").isCloseTo(10.0, within(0.011));
			assertThat(pulse[6] - pulse[4]).as("200 ms at 25 mm/s").isCloseTo(5.0, within(0.011));
		});
		Element root = svg.getDocumentElement();
		assertThat(root.getAttribute("width")).as("printed true to scale").isEqualTo("275.00mm");
		assertThat(root.getAttribute("viewBox")).startsWith("0 0 275.00 ");
	}

	@Test
	void aSpikeOneSampleWideKeepsItsFullHeightAfterReduction() throws Exception {
		// Not an ECG: a flat test signal at 1000 Hz with one 5 mV sample, as a pacing spike would be, 40 samples to a 1 mm column.
		Observation flat = WaveformSamples.twelveLeadEcg();
		flat.getComponent().subList(1, flat.getComponent().size()).clear();
		SampledData samples = flat.getComponentFirstRep().getValueSampledData();
		samples.setOrigin(samples.getOrigin().setValue(BigDecimal.ZERO).setCode("mV")).setFactor(BigDecimal.ONE);
		String[] data = new String[2000];
		Arrays.fill(data, "0");
		data[1013] = "5";
		samples.setData(String.join(" ", data));

		List<double[]> traces = polylines(svg(SvgPaper.render(new EcgPaper(Waveform.of(flat), "spike"))));
		double[] trace = traces.get(traces.size() - 1);
		double baseline = trace[1];
		double peak = IntStream.range(0, trace.length / 2).mapToDouble(i -> trace[2 * i + 1]).min().orElseThrow();
		assertThat(baseline - peak).as("5 mV at 10 mm/mV").isCloseTo(50.0, within(0.011));
		double peakX = IntStream.range(0, trace.length / 2).filter(i -> trace[2 * i + 1] == peak).mapToDouble(i -> trace[2 * i]).findFirst().orElseThrow();
		assertThat(peakX).as("1.013 s at 25 mm/s").isEqualTo(EcgPaper.xOf(1.013), within(0.01));
		assertThat(trace.length / 2).as("two points per 0.25 mm column").isLessThanOrEqualTo(2 * 50 * EcgPaper.COLUMNS_PER_MM);
	}

	private static Document svg(String theSvg) throws Exception {
		return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new InputSource(new StringReader(theSvg)));
	}

	private static List<String> texts(Document theSvg) {
		NodeList texts = theSvg.getElementsByTagName("text");
		return IntStream.range(0, texts.getLength()).mapToObj(i -> texts.item(i).getTextContent()).collect(Collectors.toList());
	}

	/** Each polyline's points as x1, y1, x2, y2, … */
	private static List<double[]> polylines(Document theSvg) {
		NodeList lines = theSvg.getElementsByTagName("polyline");
		if (lines.getLength() == 0) {
			return Collections.emptyList();
		}
		return IntStream.range(0, lines.getLength()).mapToObj(i -> Arrays.stream(((Element) lines.item(i)).getAttribute("points").split("[ ,]"))
				.mapToDouble(Double::parseDouble).toArray()).toList();
	}
}
