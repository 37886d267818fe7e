package org.openimd.server.advisories;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Type;

/**
 * Which implanted devices an advisory names: one or more selections, each a model and, within it,
 * optionally serial numbers (listed, or in ranges as the manufacturer writes them), a lot and a span of
 * manufacture dates. A device is named when any selection names it: its model, and every limit the
 * selection sets. Serial ranges compare serials of the same length character by character, as
 * manufacturers number them (PJN100000 to PJN199999); a serial of another length is outside.
 */
record AdvisoryCriteria(List<Selection> selections) {

	record SerialRange(String from, String to) {

		private static final Comparator<String> SERIAL_ORDER = Comparator.comparingInt(String::length).thenComparing(Comparator.naturalOrder());

		boolean contains(String theSerial) {
			String serial = normalised(theSerial);
			return serial.length() == from.length() && SERIAL_ORDER.compare(from, serial) <= 0 && SERIAL_ORDER.compare(serial, to) <= 0;
		}
	}

	record Selection(String model, List<String> serials, List<SerialRange> serialRanges, Optional<String> lot,
			Optional<LocalDate> manufacturedFrom, Optional<LocalDate> manufacturedTo) {

		boolean names(Device theDevice) {
			if (!normalised(theDevice.getModelNumber()).equals(model)) {
				return false;
			}
			if (!serials.isEmpty() || !serialRanges.isEmpty()) {
				String serial = normalised(theDevice.getSerialNumber());
				if (!serials.contains(serial) && serialRanges.stream().noneMatch(range -> range.contains(serial))) {
					return false;
				}
			}
			if (lot.isPresent() && !lot.get().equals(normalised(theDevice.getLotNumber()))) {
				return false;
			}
			if (manufacturedFrom.isPresent() || manufacturedTo.isPresent()) {
				if (theDevice.getManufactureDate() == null) {
					return false;
				}
				LocalDate made = theDevice.getManufactureDate().toInstant().atZone(ZoneOffset.UTC).toLocalDate();
				return manufacturedFrom.map(from -> !made.isBefore(from)).orElse(true) && manufacturedTo.map(to -> !made.isAfter(to)).orElse(true);
			}
			return true;
		}
	}

	boolean names(Device theDevice) {
		return selections.stream().anyMatch(selection -> selection.names(theDevice));
	}

	/** The selections in words, one per line: what the advisory names, as its record keeps it. */
	String described() {
		return selections.stream().map(selection -> {
			List<String> limits = new ArrayList<>();
			limits.add("model " + selection.model());
			if (!selection.serials().isEmpty()) {
				limits.add("serial numbers " + String.join(", ", selection.serials()));
			}
			selection.serialRanges().forEach(range -> limits.add("serial numbers " + range.from() + " to " + range.to()));
			selection.lot().ifPresent(lot -> limits.add("lot " + lot));
			selection.manufacturedFrom().ifPresent(from -> limits.add("made from " + from));
			selection.manufacturedTo().ifPresent(to -> limits.add("made until " + to));
			return String.join("; ", limits);
		}).collect(Collectors.joining("\n"));
	}

	/** The selections of an advisory's {@code device} parameters; a clear 400 for one that names no model or a range the wrong way round. */
	static AdvisoryCriteria of(List<ParametersParameterComponent> theDeviceParameters) {
		if (theDeviceParameters.isEmpty()) {
			throw new InvalidRequestException("an advisory names its devices: at least one device parameter with a model");
		}
		List<Selection> selections = new ArrayList<>();
		for (ParametersParameterComponent device : theDeviceParameters) {
			String model = values(device, "model").stream().findFirst()
					.orElseThrow(() -> new InvalidRequestException("each device parameter names a model"));
			List<SerialRange> ranges = new ArrayList<>();
			List<String> froms = values(device, "serialFrom");
			List<String> tos = values(device, "serialTo");
			if (froms.size() != tos.size() || froms.size() > 1) {
				throw new InvalidRequestException("a device parameter has at most one serial range, with both serialFrom and serialTo");
			}
			if (!froms.isEmpty()) {
				SerialRange range = new SerialRange(froms.get(0), tos.get(0));
				if (range.from().length() != range.to().length() || range.from().compareTo(range.to()) > 0) {
					throw new InvalidRequestException("serial range " + range.from() + " to " + range.to()
							+ ": both ends of one length, the first not after the last");
				}
				ranges.add(range);
			}
			selections.add(new Selection(model, values(device, "serial"), ranges, values(device, "lot").stream().findFirst(),
					date(device, "manufacturedFrom"), date(device, "manufacturedTo")));
		}
		return new AdvisoryCriteria(List.copyOf(selections));
	}

	private static List<String> values(ParametersParameterComponent theDevice, String theName) {
		return theDevice.getPart().stream().filter(part -> part.getName().equals(theName) && part.hasValue())
				.map(part -> normalised(((Type) part.getValue()).primitiveValue())).filter(value -> !value.isEmpty()).toList();
	}

	private static Optional<LocalDate> date(ParametersParameterComponent theDevice, String theName) {
		return theDevice.getPart().stream().filter(part -> part.getName().equals(theName) && part.hasValue()).findFirst().map(part -> {
			try {
				return LocalDate.parse(((Type) part.getValue()).primitiveValue());
			} catch (RuntimeException e) {
				throw new InvalidRequestException(theName + " is a date (YYYY-MM-DD), not " + ((Type) part.getValue()).primitiveValue());
			}
		});
	}

	private static String normalised(String theValue) {
		return theValue == null ? "" : theValue.strip().toUpperCase(Locale.ROOT);
	}
}
