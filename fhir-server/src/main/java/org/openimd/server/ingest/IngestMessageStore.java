package org.openimd.server.ingest;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;

/**
 * The raw-message store: every message is written here, in its own committed transaction, before it
 * is processed, so that nothing a sender handed over is lost whatever happens next. Its table lives in
 * the same database as HAPI's and is created at start (no manual SQL).
 */
class IngestMessageStore {

	private static final String COLUMNS = "id, received_at, transport, remote_address, sender, control_id, message_type,"
			+ " status, ack_code, error, warnings, fhir_report, octet_length(raw) as size, application_ack, application_ack_code";

	private final JdbcTemplate myJdbc;

	IngestMessageStore(JdbcTemplate theJdbc) {
		myJdbc = theJdbc;
	}

	long insertReceived(Instant theReceivedAt, IngestTransport theTransport, String theRemote, String theSender,
			String theControlId, String theMessageType, byte[] theRaw) {
		GeneratedKeyHolder key = new GeneratedKeyHolder();
		myJdbc.update(connection -> {
			var insert = connection.prepareStatement(
					"insert into openimd_ingest_message (received_at, transport, remote_address, sender, control_id,"
							+ " message_type, status, raw) values (?, ?, ?, ?, ?, ?, ?, ?)",
					new String[] {"id"});
			insert.setTimestamp(1, Timestamp.from(theReceivedAt));
			insert.setString(2, theTransport.name());
			insert.setString(3, theRemote);
			insert.setString(4, theSender);
			insert.setString(5, theControlId);
			insert.setString(6, theMessageType);
			insert.setString(7, IngestStatus.RECEIVED.name());
			insert.setBytes(8, theRaw);
			return insert;
		}, key);
		return key.getKey().longValue();
	}

	Optional<IngestedMessage> acceptedCopyOf(String theSender, String theControlId) {
		return myJdbc.query("select " + COLUMNS + " from openimd_ingest_message where accepted_key = ?",
				IngestMessageStore::toMessage, acceptedKey(theSender, theControlId)).stream().findFirst();
	}

	/**
	 * Marks the message accepted. False when another copy of it was accepted first (the unique
	 * accepted key says so); the caller then files this one as a duplicate.
	 */
	boolean markAccepted(long theId, String theSender, String theControlId, String theFhirReport, String theWarnings) {
		try {
			myJdbc.update("update openimd_ingest_message set status = ?, ack_code = 'AA', accepted_key = ?, fhir_report = ?,"
							+ " warnings = ?, error = null where id = ?",
					IngestStatus.ACCEPTED.name(), acceptedKey(theSender, theControlId), theFhirReport, theWarnings, theId);
			return true;
		} catch (org.springframework.dao.DuplicateKeyException alreadyAccepted) {
			return false;
		}
	}

	void markRejected(long theId, String theAckCode, String theError) {
		myJdbc.update("update openimd_ingest_message set status = ?, ack_code = ?, error = ? where id = ?",
				IngestStatus.REJECTED.name(), theAckCode, theError, theId);
	}

	void markDuplicate(long theId, long theAcceptedId) {
		myJdbc.update("update openimd_ingest_message set status = ?, ack_code = 'AA', error = ? where id = ?",
				IngestStatus.DUPLICATE.name(), "copy of accepted message " + theAcceptedId, theId);
	}

	void markApplicationAck(long theId, ApplicationAckStatus theStatus, String theAckCode) {
		myJdbc.update("update openimd_ingest_message set application_ack = ?, application_ack_code = ? where id = ?",
				theStatus.name(), theAckCode, theId);
	}

	Optional<IngestedMessage> find(long theId) {
		return myJdbc.query("select " + COLUMNS + " from openimd_ingest_message where id = ?", IngestMessageStore::toMessage, theId)
				.stream().findFirst();
	}

	Optional<byte[]> raw(long theId) {
		return myJdbc.query("select raw from openimd_ingest_message where id = ?", (row, number) -> row.getBytes(1), theId)
				.stream().findFirst();
	}

	/** The newest messages, of one status and with one sender's control ID (MSH-10) when given. */
	List<IngestedMessage> newest(Optional<IngestStatus> theStatus, Optional<String> theControlId, int theLimit) {
		List<String> conditions = new ArrayList<>();
		List<Object> arguments = new ArrayList<>();
		theStatus.ifPresent(status -> {
			conditions.add("status = ?");
			arguments.add(status.name());
		});
		theControlId.ifPresent(controlId -> {
			conditions.add("control_id = ?");
			arguments.add(controlId);
		});
		arguments.add(theLimit);
		String where = conditions.isEmpty() ? "" : " where " + String.join(" and ", conditions);
		return myJdbc.query("select " + COLUMNS + " from openimd_ingest_message" + where + " order by id desc limit ?", IngestMessageStore::toMessage,
				arguments.toArray());
	}

	private static String acceptedKey(String theSender, String theControlId) {
		return theSender + "|" + theControlId;
	}

	private static IngestedMessage toMessage(ResultSet theRow, int theNumber) throws SQLException {
		String ackCode = theRow.getString("ack_code");
		return new IngestedMessage(
				theRow.getLong("id"),
				theRow.getTimestamp("received_at").toInstant(),
				IngestTransport.valueOf(theRow.getString("transport")),
				theRow.getString("remote_address"),
				theRow.getString("sender"),
				theRow.getString("control_id"),
				theRow.getString("message_type"),
				IngestStatus.valueOf(theRow.getString("status")),
				ackCode,
				theRow.getString("error"),
				theRow.getString("warnings"),
				theRow.getString("fhir_report"),
				theRow.getInt("size"),
				Optional.ofNullable(theRow.getString("application_ack")).map(ApplicationAckStatus::valueOf).orElse(null),
				theRow.getString("application_ack_code"));
	}
}
