package org.openimd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Proves the resources land in the database this run names, not in some default. */
class StorageIT extends BaseServerIT {

	@Autowired
	private DataSource myDataSource;

	@Test
	void createdPatientIsARowInHapisResourceTableOfTheDatabaseUnderTest() throws Exception {
		Patient patient = new Patient();
		patient.addIdentifier(uniqueIdentifier());
		IdType id = (IdType) client.create().resource(patient).execute().getId();

		try (Connection connection = myDataSource.getConnection();
				PreparedStatement query = connection.prepareStatement(
						"select res_type from hfj_resource where res_id = ?")) {
			assertThat(connection.getMetaData().getDatabaseProductName())
					.isEqualTo(TestDatabase.current() == TestDatabase.POSTGRES ? "PostgreSQL" : "H2");
			query.setLong(1, id.getIdPartAsLong());
			try (ResultSet row = query.executeQuery()) {
				assertThat(row.next()).isTrue();
				assertThat(row.getString(1)).isEqualTo("Patient");
			}
		}
	}
}
