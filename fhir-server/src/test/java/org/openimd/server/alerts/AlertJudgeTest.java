package org.openimd.server.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;
import org.junit.jupiter.api.Test;
import org.openimd.server.alerts.Transmission.Reading;
import org.openimd.terminology.Mdc;
import org.openimd.terminology.OpenImdUris;
import org.openimd.terminology.alerts.AlertKnowledge;

/** Every alert rule on both sides of each of its limits, with the defaults the rules ship and with a clinic's values. */
class AlertJudgeTest {

	private static final AlertJudge DEFAULTS = new AlertJudge(AlertKnowledge.load(), Map.of());

	/** A transmission under construction: a device kind, its readings, the previous transmission's. */
	private static final class Sent {
		private final String myKind;
		private final List<Reading> myReadings = new ArrayList<>();
		private final List<Reading> myPrevious = new ArrayList<>();

		private Sent(String theKind) {
			myKind = theKind;
		}

		Sent value(String theCode, int theInstance, Type theValue) {
			myReadings.add(new Reading(theCode, theInstance, theValue));
			return this;
		}

		Sent value(String theCode, String theNumber, String theUnit) {
			return value(theCode, 0, quantity(theNumber, theUnit));
		}

		Sent before(String theCode, String theNumber, String theUnit) {
			myPrevious.add(new Reading(theCode, 0, quantity(theNumber, theUnit)));
			return this;
		}

		Sent before(String theCode, int theInstance, Type theValue) {
			myPrevious.add(new Reading(theCode, theInstance, theValue));
			return this;
		}

		Transmission transmission() {
			return new Transmission(Optional.ofNullable(myKind), myReadings, myPrevious);
		}
	}

	private static Sent from(String theKind) {
		return new Sent(theKind);
	}

	private static Quantity quantity(String theNumber, String theUnit) {
		return new Quantity().setValue(new BigDecimal(theNumber)).setUnit(theUnit).setSystem(OpenImdUris.UCUM).setCode(theUnit);
	}

	private static CodeableConcept mdc(String theCode) {
		return new CodeableConcept(new Coding(Mdc.SYSTEM, theCode, null));
	}

	private static CodeableConcept sent(String theText) {
		return new CodeableConcept(new Coding("https://openimd.org/fhir/CodeSystem/hl7v2-local/mnemonic", theText, theText)).setText(theText);
	}

	private static List<String> rules(AlertJudge theJudge, Sent theSent) {
		return theJudge.judge(theSent.transmission()).stream().map(alert -> alert.rule().id()).toList();
	}

	private static List<String> rules(Sent theSent) {
		return rules(DEFAULTS, theSent);
	}

	@Test
	void LEAD_01_pacingImpedanceBelow200OhmAndAboveTheClinicsHighLimit() {
		assertThat(rules(from("PM").value("722433", "200", "Ohm"))).isEmpty();
		assertThat(rules(from("PM").value("722433", "199", "Ohm"))).containsExactly("ALERT-LEAD-01");
		assertThat(rules(from("PM").value("722433", "5000", "Ohm"))).as("no high limit without the clinic's").isEmpty();
		AlertJudge clinic = new AlertJudge(AlertKnowledge.load(), Map.of("ALERT-LEAD-01.high", new BigDecimal("2000")));
		assertThat(rules(clinic, from("ICD").value("722432", "2000", "Ohm"))).isEmpty();
		assertThat(rules(clinic, from("ICD").value("722432", "2001", "Ohm"))).containsExactly("ALERT-LEAD-01");
	}

	@Test
	void LEAD_02_shockImpedanceOutside20To200Ohm() {
		assertThat(rules(from("ICD").value("722624", "20", "Ohm"))).isEmpty();
		assertThat(rules(from("ICD").value("722624", "19", "Ohm"))).containsExactly("ALERT-LEAD-02");
		assertThat(rules(from("ICD").value("722624", "200", "Ohm"))).isEmpty();
		assertThat(rules(from("ICD").value("722624", "201", "Ohm"))).containsExactly("ALERT-LEAD-02");
		assertThat(rules(from("PM").value("722624", "5", "Ohm"))).as("not a pacemaker's").isEmpty();
	}

	@Test
	void LEAD_03_04_05_changesSinceThePreviousInterrogationOnlyWithTheClinicsLimits() {
		Sent impedance = from("PM").value("722433", "650", "Ohm").before("722433", "500", "Ohm");
		Sent threshold = from("PM").value("722177", "1.5", "V").before("722177", "1.0", "V");
		Sent sensing = from("PM").value("722052", "4", "mV").before("722052", "8", "mV");
		assertThat(rules(impedance)).isEmpty();
		assertThat(rules(threshold)).isEmpty();
		assertThat(rules(sensing)).isEmpty();

		AlertJudge at30Percent = new AlertJudge(AlertKnowledge.load(), Map.of("ALERT-LEAD-03.relative-change", new BigDecimal("30"),
				"ALERT-LEAD-04.rise", new BigDecimal("0.5"), "ALERT-LEAD-05.drop", new BigDecimal("4")));
		assertThat(rules(at30Percent, impedance)).as("a change of exactly 30 %").isEmpty();
		assertThat(rules(at30Percent, from("PM").value("722433", "651", "Ohm").before("722433", "500", "Ohm"))).containsExactly("ALERT-LEAD-03");
		assertThat(rules(at30Percent, from("PM").value("722433", "349", "Ohm").before("722433", "500", "Ohm"))).as("down by 30.2 %")
				.containsExactly("ALERT-LEAD-03");
		assertThat(rules(at30Percent, threshold)).as("a rise of exactly 0.5 V").isEmpty();
		assertThat(rules(at30Percent, from("PM").value("722177", "1.6", "V").before("722177", "1.0", "V"))).containsExactly("ALERT-LEAD-04");
		assertThat(rules(at30Percent, sensing)).as("a drop of exactly 4 mV").isEmpty();
		assertThat(rules(at30Percent, from("PM").value("722052", "3.9", "mV").before("722052", "8", "mV"))).containsExactly("ALERT-LEAD-05");
	}

	@Test
	void LEAD_07_theDeviceSaysCheckLead() {
		assertThat(rules(from("ICD").value("721985", 0, mdc("754241")))).containsExactly("ALERT-LEAD-07");
		assertThat(rules(from("ICD").value("721985", 0, mdc("754240")))).isEmpty();
	}

	@Test
	void BATT_01_02_batteryStatusByCodeOrByTheVendorsWord() {
		assertThat(rules(from("PM").value("721280", 0, mdc("754115")))).containsExactly("ALERT-BATT-01");
		assertThat(rules(from("PM").value("721280", 0, sent("ERI")))).containsExactly("ALERT-BATT-01");
		assertThat(rules(from("PM").value("721280", 0, sent("EOS")))).containsExactly("ALERT-BATT-02");
		assertThat(rules(from("PM").value("721280", 0, mdc("754113")))).as("beginning of service").isEmpty();
		assertThat(rules(from("PM").value("721280", 0, sent("BOS")))).isEmpty();
	}

	@Test
	void CAP_01_chargeTimeAbove18SecondsForAShockCharge() {
		assertThat(rules(from("ICD").value("721728", "18", "s"))).isEmpty();
		assertThat(rules(from("ICD").value("721728", "18.1", "s"))).containsExactly("ALERT-CAP-01");
		assertThat(rules(from("ICD").value("721728", "18.1", "s").value("721856", 0, mdc("754177")))).containsExactly("ALERT-CAP-01");
		assertThat(rules(from("ICD").value("721728", "18.1", "s").value("721856", 0, sent("Reform")))).as("a capacitor reformation").isEmpty();
	}

	@Test
	void VT_01_eachNewSpontaneousVtOrVfEpisodeOnce() {
		Sent episodes = from("ICD")
				.value("739568", 1, sent("Epis_VT")).value("739536", 1, new StringType("17")).value("739552", 1, new DateTimeType("2026-11-30T02:00:00Z"))
				.value("739568", 2, sent("Epis_SVT")).value("739536", 2, new StringType("18"))
				.value("739568", 3, sent("VF")).value("739584", 3, new BooleanType(true)).value("739536", 3, new StringType("19"))
				.value("739568", 4, sent("Epis_VF")).value("739536", 4, new StringType("20"));
		assertThat(DEFAULTS.judge(episodes.transmission())).extracting(alert -> alert.rule().id() + " " + alert.detail())
				.containsExactly("ALERT-VT-01 episode 1: 739568 (1) Epis_VT", "ALERT-VT-01 episode 4: 739568 (4) Epis_VF");

		Sent resent = from("ICD").value("739568", 1, sent("Epis_VT")).value("739536", 1, new StringType("17"))
				.value("739552", 1, new DateTimeType("2026-11-30T02:00:00Z"))
				.before("739568", 5, sent("Epis_VT")).before("739536", 5, new StringType("17")).before("739552", 5, new DateTimeType("2026-11-30T02:00:00Z"));
		assertThat(rules(resent)).as("the same episode in the previous transmission").isEmpty();
	}

	@Test
	void VT_02_threeVtOrVfEpisodesWithin48Hours() {
		assertThat(rules(vtEpisodesAt("2026-11-28T02:00:00Z", "2026-11-29T02:00:00Z", "2026-11-30T02:00:00Z"))).contains("ALERT-VT-02");
		assertThat(rules(vtEpisodesAt("2026-11-28T02:00:00Z", "2026-11-29T02:00:00Z", "2026-11-30T02:01:00Z"))).doesNotContain("ALERT-VT-02");
		assertThat(rules(vtEpisodesAt("2026-11-28T02:00:00Z", "2026-11-29T02:00:00Z"))).doesNotContain("ALERT-VT-02");
	}

	private static Sent vtEpisodesAt(String... theStarts) {
		Sent sent = from("ICD");
		for (int episode = 1; episode <= theStarts.length; episode++) {
			sent.value("739568", episode, sent("Epis_VT")).value("739536", episode, new StringType("E" + episode))
					.value("739552", episode, new DateTimeType(theStarts[episode - 1]));
		}
		return sent;
	}

	@Test
	void VT_03_05_shocksAndAtpDeliveredSinceThePreviousInterrogation() {
		assertThat(rules(from("ICD").value("737840", "4", "{shocks}").before("737840", "4", "{shocks}"))).isEmpty();
		assertThat(rules(from("ICD").value("737840", "5", "{shocks}").before("737840", "4", "{shocks}"))).containsExactly("ALERT-VT-03");
		assertThat(rules(from("ICD").value("737824", "0", "{shocks}"))).isEmpty();
		assertThat(rules(from("ICD").value("737824", "1", "{shocks}"))).as("no total before: the recent count").containsExactly("ALERT-VT-03");
		assertThat(rules(from("CRT-D").value("737904", "12", "{seq}").before("737904", "12", "{seq}"))).isEmpty();
		assertThat(rules(from("CRT-D").value("737904", "13", "{seq}").before("737904", "12", "{seq}"))).containsExactly("ALERT-VT-05");
	}

	@Test
	void AF_01_sixHoursOfAtAfInOneDay() {
		Sent oneDay = from("PM").value("737665", 0, new DateTimeType("2026-12-01T00:00:00Z")).value("737666", 0, new DateTimeType("2026-12-02T00:00:00Z"));
		assertThat(rules(oneDay.value("737696", "25", "%"))).containsExactly("ALERT-AF-01");
		Sent below = from("PM").value("737665", 0, new DateTimeType("2026-12-01T00:00:00Z")).value("737666", 0, new DateTimeType("2026-12-02T00:00:00Z"))
				.value("737696", "24.9", "%");
		assertThat(rules(below)).isEmpty();
		Sent week = from("PM").value("737665", 0, new DateTimeType("2026-11-24T00:00:00Z")).value("737666", 0, new DateTimeType("2026-12-01T00:00:00Z"))
				.value("737696", "80", "%");
		assertThat(rules(week)).as("a week's average shows no single day").isEmpty();
	}

	@Test
	void CRT_01_biventricularPacingBelow95Percent() {
		assertThat(rules(from("CRT-D").value("737808", "95", "%"))).isEmpty();
		assertThat(rules(from("CRT-P").value("737808", "94.9", "%"))).containsExactly("ALERT-CRT-01");
		assertThat(rules(from("ICD").value("737808", "50", "%"))).as("not a CRT device").isEmpty();
	}

	@Test
	void ILR_04_SESS_01_patientAndDeviceInitiatedTransmissions() {
		assertThat(rules(from("ILR").value("721026", 0, mdc("754054")))).containsExactly("ALERT-ILR-04");
		assertThat(rules(from("ICD").value("721026", 0, mdc("754052")))).containsExactly("ALERT-SESS-01");
		assertThat(rules(from("ICD").value("721026", 0, mdc("754053")))).as("scheduled").isEmpty();
	}

	@Test
	void PUMP_01_02_03_pumpAlarmsByWhatThePumpReports() {
		assertThat(rules(from("synchromed-ii").value("alarm", 0, new CodeableConcept(new Coding(OpenImdUris.PUMP_TELEMETRY_SYSTEM, "low-reservoir", null)))))
				.containsExactly("ALERT-PUMP-01");
		assertThat(rules(from("synchromed-ii").value("alarm", 0, new CodeableConcept(new Coding(OpenImdUris.PUMP_TELEMETRY_SYSTEM, "elective-replacement", null)))))
				.containsExactly("ALERT-PUMP-02");
		assertThat(rules(from("synchromed-ii").value("alarm", 0, new CodeableConcept(new Coding(OpenImdUris.PUMP_TELEMETRY_SYSTEM, "motor-stall", null)))))
				.containsExactly("ALERT-PUMP-03");
		assertThat(rules(from("synchromed-ii").value("alarm", 0, new CodeableConcept(new Coding(OpenImdUris.PUMP_TELEMETRY_SYSTEM, "non-critical-memory-error", null)))))
				.isEmpty();
	}
}
