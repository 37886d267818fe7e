package org.openimd.server.alerts;

import java.util.UUID;

/** Real-shaped transmissions for tests: HL7 v2 ORU^R01 messages as a St. Jude ICD's remote follow-up sends them. */
public final class TransmissionMessages {

	private TransmissionMessages() {}

	/** An St. Jude ICD's remote follow-up (the public iCARDEA message's shape) of its own serial, session on {@code theDay}, with {@code theObservations}. */
	public static String icdMessage(String theSerial, String theDay, String... theObservations) {
		StringBuilder message = new StringBuilder()
				.append("MSH|^~\\&||STJ|||").append(theDay).append("140000||ORU^R01^ORU_R01|").append(UUID.randomUUID().toString().substring(0, 18))
				.append("|P|2.5\r")
				.append("PID|||model:CD2215-36/serial:").append(theSerial).append("^^^STJ^U~").append(theSerial).append("^^^iCARDEA^SS||Test^Triage\r")
				.append("OBR|1||").append(theDay).append("|Remote Follow-up|||").append(theDay).append("120000|||||||||||||||||F\r")
				.append("OBX|1|CWE|720897^MDC_IDC_DEV_TYPE^MDC|1|753666^MDC_IDC_ENUM_DEV_TYPE_ICD^MDC||||||F\r")
				.append("OBX|2|ST|720898^MDC_IDC_DEV_MODEL^MDC|1|CD2215-36||||||F\r")
				.append("OBX|3|ST|720899^MDC_IDC_DEV_SERIAL^MDC|1|").append(theSerial).append("||||||F\r")
				.append("OBX|4|CWE|720900^MDC_IDC_DEV_MFG^MDC|1|753751^MDC_IDC_ENUM_MFG_STJ^MDC||||||F\r")
				.append("OBX|5|DTM|721025^MDC_IDC_SESS_DTM^MDC|1|").append(theDay).append("1000+0000||||||F\r")
				.append("OBX|6|CWE|721026^MDC_IDC_SESS_TYPE^MDC|1|754053^MDC_IDC_ENUM_SESS_TYPE_RemoteScheduled^MDC||||||F\r");
		int set = 7;
		for (String observation : theObservations) {
			// OBX-11, the result status, is F: as many fields follow as the last segment's own fields leave
			int fields = observation.substring(observation.lastIndexOf('\r') + 1).split("\\|", -1).length;
			message.append("OBX|").append(set++).append('|').append(observation).append("|".repeat(10 - fields)).append("F\r");
		}
		return message.toString();
	}

	/** A VT episode, {@code theEpisode}th of the message, starting at {@code theStart}: the OBX lines after the first one's set id. */
	public static String vtEpisode(int theEpisode, String theStart) {
		return "CWE|739568^MDC_IDC_EPISODE_TYPE^MDC|" + theEpisode + "|Epis_VT^VT||||||F\rOBX|0|ST|739536^MDC_IDC_EPISODE_ID^MDC|" + theEpisode + "|"
				+ (100 + theEpisode) + "||||||F\rOBX|0|DTM|739552^MDC_IDC_EPISODE_DTM^MDC|" + theEpisode + "|" + theStart;
	}
}
