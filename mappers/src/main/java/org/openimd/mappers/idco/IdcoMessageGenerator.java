package org.openimd.mappers.idco;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.openimd.terminology.IdcoTerm;
import org.openimd.terminology.IdcoTermTable;
import org.openimd.terminology.Mdc;

/**
 * Synthetic IHE IDCO ORU^R01 messages (HL7 v2.6) for pacemakers, ICDs, CRT-Ds and loop recorders of
 * several manufacturers, for mapping tests and load benchmarks. The structure follows IHE PCD-09 and
 * the public example messages; every code comes from the term table. The values are drawn from
 * ranges chosen to look like an interrogation; they are synthetic test data, not clinical reference
 * values, and nothing decides anything by them.
 *
 * <p>The same seed gives the same messages, so a benchmark's two halves can send equal shapes.
 */
public final class IdcoMessageGenerator {

	/** The kinds of implanted cardiac device IEEE 11073-10103 distinguishes, with the leads each has. */
	public enum DeviceKind {
		PACEMAKER("IPG", List.of("RA", "RV")),
		ICD("ICD", List.of("RV")),
		CRT_D("CRT_D", List.of("RA", "RV", "LV")),
		LOOP_RECORDER("Monitor", List.of());

		private final String myMnemonic;
		private final List<String> myChambers;

		DeviceKind(String theMnemonic, List<String> theChambers) {
			myMnemonic = theMnemonic;
			myChambers = theChambers;
		}

		boolean defibrillates() {
			return this == ICD || this == CRT_D;
		}
	}

	private static final List<String> MANUFACTURERS = List.of("MDT", "BSC", "STJ", "BIO");
	/** Central European time with its offset, as IDCO asks senders to give it. */
	private static final DateTimeFormatter DTM = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'+0100'", Locale.ROOT);
	private static final LocalDateTime FIRST_SESSION = LocalDateTime.of(2026, 1, 5, 9, 0);

	private final IdcoTermTable myTerms;
	private final String mySerialPrefix;

	/**
	 * @param theSerialPrefix starts every serial number and control ID, so that separate runs (or the
	 *     two halves of a benchmark) never describe the same device
	 */
	public IdcoMessageGenerator(IdcoTermTable theTerms, String theSerialPrefix) {
		myTerms = theTerms;
		mySerialPrefix = theSerialPrefix;
	}

	/**
	 * Interrogation {@code theSession} (0, 1, 2, …, a month apart) of patient {@code thePatient}, whose
	 * device kind and manufacturer follow from the patient number.
	 */
	public String interrogation(int thePatient, int theSession) {
		SplittableRandom random = new SplittableRandom(((long) thePatient << 20) ^ theSession ^ mySerialPrefix.hashCode());
		DeviceKind kind = DeviceKind.values()[thePatient % DeviceKind.values().length];
		String manufacturer = MANUFACTURERS.get((thePatient / DeviceKind.values().length) % MANUFACTURERS.size());
		String model = manufacturer + "-" + kind.name().replace("_", "");
		String serial = mySerialPrefix + String.format(Locale.ROOT, "%07d", thePatient);
		LocalDateTime session = FIRST_SESSION.plusMonths(theSession).plusMinutes(thePatient % 600);
		String sessionTime = DTM.format(session);
		String controlId = mySerialPrefix + "-" + thePatient + "-" + theSession;

		List<String> segments = new ArrayList<>();
		segments.add("MSH|^~\\&|SYNTHETIC-" + manufacturer + "|" + manufacturer + "|OPENIMD|CLINIC|" + sessionTime
				+ "||ORU^R01^ORU_R01|" + controlId + "|P|2.6|||||||||IHE_PCD_ORU_R01^IHE PCD^1.3.6.1.4.1.19376.1.6.1.9.1^ISO");
		segments.add("PID|||model:" + model + "/serial:" + serial + "^^^" + manufacturer + "^U~MRN" + mySerialPrefix + thePatient
				+ "^^^CLINIC^MR||Synthetic^Patient" + thePatient + "||19" + (40 + thePatient % 50) + "0101|" + (thePatient % 2 == 0 ? "F" : "M"));
		segments.add("OBR|1||" + controlId + "|" + session(theSession) + "|||" + sessionTime + "|||||||||||||||||F");
		Obx obx = new Obx(segments);
		obx.coded("MDC_IDC_DEV_TYPE", "", enumeration(Mdc.MDC_IDC_DEV_TYPE, kind.myMnemonic));
		obx.text("MDC_IDC_DEV_MODEL", "", model);
		obx.text("MDC_IDC_DEV_SERIAL", "", serial);
		obx.coded("MDC_IDC_DEV_MFG", "", manufacturer + "^" + manufacturer);
		obx.dateTime("MDC_IDC_SESS_DTM", "", sessionTime);
		obx.coded("MDC_IDC_SESS_TYPE", "", session(theSession));
		obx.number("MDC_IDC_MSMT_BATTERY_VOLTAGE", "", 2.6 + random.nextDouble(0.6), 2);
		obx.number("MDC_IDC_MSMT_BATTERY_REMAINING_LONGEVITY", "", 12 + random.nextInt(110), 0);
		int lead = 0;
		for (String chamber : kind.myChambers) {
			lead++;
			obx.text("MDC_IDC_LEAD_MODEL", String.valueOf(lead), manufacturer + "-LEAD-" + chamber);
			obx.text("MDC_IDC_LEAD_SERIAL", String.valueOf(lead), serial + "-" + chamber);
			obx.coded("MDC_IDC_LEAD_MFG", String.valueOf(lead), manufacturer + "^" + manufacturer);
			obx.coded("MDC_IDC_LEAD_LOCATION", String.valueOf(lead), chamber + "^" + chamber);
			obx.number("MDC_IDC_MSMT_LEADCHNL_" + chamber + "_IMPEDANCE_VALUE", "", 350 + random.nextInt(700), 0);
			obx.number("MDC_IDC_MSMT_LEADCHNL_" + chamber + "_PACING_THRESHOLD_AMPLITUDE", "", 0.5 + random.nextDouble(1.0), 2);
			obx.number("MDC_IDC_MSMT_LEADCHNL_" + chamber + "_PACING_THRESHOLD_PULSEWIDTH", "", 0.4, 1);
			obx.number("MDC_IDC_MSMT_LEADCHNL_" + chamber + "_SENSING_INTR_AMPL_MEAN", "", chamber.equals("RA") ? 1 + random.nextDouble(3) : 5 + random.nextDouble(12), 1);
		}
		if (!kind.myChambers.isEmpty()) {
			obx.number("MDC_IDC_SET_BRADY_LOWRATE", "", 50 + 5 * random.nextInt(5), 0);
		}
		if (kind.myChambers.contains("RA")) {
			obx.number("MDC_IDC_STAT_BRADY_RA_PERCENT_PACED", "", random.nextDouble(100), 1);
			obx.number("MDC_IDC_STAT_AT_BURDEN_PERCENT", "", random.nextDouble(20), 1);
		}
		if (kind.myChambers.contains("RV")) {
			obx.number("MDC_IDC_STAT_BRADY_RV_PERCENT_PACED", "", random.nextDouble(100), 1);
		}
		if (kind == DeviceKind.CRT_D) {
			obx.number("MDC_IDC_STAT_CRT_LV_PERCENT_PACED", "", 85 + random.nextDouble(15), 1);
		}
		obx.number("MDC_IDC_STAT_HEART_RATE_VENTRICULAR_MEAN", "", 55 + random.nextInt(40), 0);
		if (kind.defibrillates()) {
			obx.number("MDC_IDC_MSMT_LEADHVCHNL_IMPEDANCE", "1", 40 + random.nextInt(60), 0);
			obx.number("MDC_IDC_STAT_TACHYTHERAPY_SHOCKS_DELIVERED_RECENT", "", random.nextInt(10) == 0 ? 1 : 0, 0);
		}
		int episodes = random.nextInt(3);
		for (int episode = 1; episode <= episodes; episode++) {
			obx.text("MDC_IDC_EPISODE_ID", String.valueOf(episode), controlId + "-E" + episode);
			obx.dateTime("MDC_IDC_EPISODE_DTM", String.valueOf(episode), DTM.format(session.minusDays(1 + random.nextInt(25))));
			obx.coded("MDC_IDC_EPISODE_TYPE", String.valueOf(episode), kind.defibrillates() ? "Epis_VT^VT" : "Epis_AT_AF^AT/AF");
			obx.number("MDC_IDC_EPISODE_DURATION", String.valueOf(episode), 5 + random.nextInt(600), 0);
		}
		return String.join("\r", segments) + "\r";
	}

	/** Every third transmission is an alert (device-initiated); the rest are scheduled. */
	private String session(int theSession) {
		String mnemonic = theSession % 3 == 2 ? "RemoteDeviceInitiated" : "RemoteScheduled";
		return enumeration(Mdc.MDC_IDC_SESS_TYPE, mnemonic);
	}

	private String enumeration(String theTermCode, String theMnemonic) {
		IdcoTerm value = myTerms.enumerationValue(theTermCode, theMnemonic)
				.orElseThrow(() -> new IllegalArgumentException("no enumeration " + theMnemonic + " of " + theTermCode));
		return value.code() + "^" + value.referenceId() + "^MDC";
	}

	/** Writes OBX segments for terms named by reference ID, numbered as they are added. */
	private final class Obx {

		private final List<String> mySegments;
		private int mySetId;

		Obx(List<String> theSegments) {
			mySegments = theSegments;
		}

		void text(String theReferenceId, String theInstance, String theValue) {
			add("ST", theReferenceId, theInstance, theValue, "");
		}

		void coded(String theReferenceId, String theInstance, String theValue) {
			add("CWE", theReferenceId, theInstance, theValue, "");
		}

		void dateTime(String theReferenceId, String theInstance, String theValue) {
			add("DTM", theReferenceId, theInstance, theValue, "");
		}

		void number(String theReferenceId, String theInstance, double theValue, int theDecimals) {
			IdcoTerm term = term(theReferenceId);
			add("NM", theReferenceId, theInstance, String.format(Locale.ROOT, "%." + theDecimals + "f", theValue), term.ucumUnit().orElse(""));
		}

		private void add(String theType, String theReferenceId, String theInstance, String theValue, String theUnit) {
			IdcoTerm term = term(theReferenceId);
			mySegments.add("OBX|" + ++mySetId + "|" + theType + "|" + term.code() + "^" + term.referenceId() + "^MDC|" + theInstance
					+ "|" + theValue + "|" + theUnit + "|||||F");
		}

		private IdcoTerm term(String theReferenceId) {
			return myTerms.byReferenceId(theReferenceId)
					.orElseThrow(() -> new IllegalArgumentException(theReferenceId + " is not in the term table"));
		}
	}
}
