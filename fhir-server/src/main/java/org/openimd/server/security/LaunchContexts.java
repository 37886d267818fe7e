package org.openimd.server.security;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.Optional;
import org.openimd.server.RandomSecret;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Launch contexts waiting for an authorization request: an EHR launch ({@code launch=} of SMART's EHR
 * launch) or the patient a user chose in the picker of a standalone launch. Each is bound to the
 * user and the app it was made for and expires quickly; the authorization it was used for keeps a
 * copy of the patient, so that refreshed tokens carry it too.
 */
public class LaunchContexts {

	/**
	 * @param patient the patient in context, e.g. {@code 123} (the id of {@code Patient/123})
	 * @param needPatientBanner whether the app must show which patient it is about (false when the EHR
	 *     around it already does)
	 */
	public record Launch(String launchId, String username, String clientId, String patient, boolean needPatientBanner) {}

	private static final int ID_BYTES = 24;

	private final JdbcTemplate myJdbc;
	private final AuthProperties myProperties;
	private final Clock myClock;

	LaunchContexts(JdbcTemplate theJdbc, AuthProperties theProperties, Clock theClock) {
		myJdbc = theJdbc;
		myProperties = theProperties;
		myClock = theClock;
	}

	public Launch create(String theUsername, String theClientId, String thePatient, boolean theNeedPatientBanner) {
		myJdbc.update("delete from openimd_launch where expires_at < ?", Timestamp.from(myClock.instant()));
		Launch launch = new Launch(RandomSecret.urlSafe(ID_BYTES), theUsername, theClientId, thePatient,
				theNeedPatientBanner);
		myJdbc.update("insert into openimd_launch (launch_id, username, client_id, patient, need_patient_banner, expires_at) values (?, ?, ?, ?, ?, ?)",
				launch.launchId(), theUsername, theClientId, thePatient, theNeedPatientBanner,
				Timestamp.from(myClock.instant().plus(myProperties.launchLifetime())));
		return launch;
	}

	/** The launch, when it exists, has not expired and was made for this user and this app. */
	public Optional<Launch> find(String theLaunchId, String theUsername, String theClientId) {
		return myJdbc.query("select * from openimd_launch where launch_id = ? and username = ? and client_id = ? and expires_at >= ?",
						(row, number) -> new Launch(row.getString("launch_id"), row.getString("username"), row.getString("client_id"),
								row.getString("patient"), row.getBoolean("need_patient_banner")),
						theLaunchId, theUsername, theClientId, Timestamp.from(myClock.instant()))
				.stream()
				.findFirst();
	}
}
