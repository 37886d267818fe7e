package org.openimd.server.messages;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openimd.server.BaseServerIT;
import org.openimd.server.security.login.Role;

/**
 * A patient writes to their care team and a clinician answers, threads kept by {@code inResponseTo} (R4's name for a reply's link);
 * nobody addresses a message beyond their care relationships, alone or inside a batch, and
 * attachments are limited in type and size.
 */
class MessagingIT extends BaseServerIT {

	private static final String PATIENT_SCOPES = "openid fhirUser launch/patient patient/*.cruds";
	private static final String CLINICIAN_SCOPES = "openid fhirUser user/*.cruds";

	String patient;
	String doctor;
	String stranger;
	IGenericClient patientApp;

	@BeforeEach
	void aPatientWithACareTeamOfOneDoctor() throws Exception {
		patient = client.create().resource(new Patient().addIdentifier(uniqueIdentifier())).execute().getId().toUnqualifiedVersionless().getValue();
		doctor = client.create().resource(new Practitioner().addIdentifier(uniqueIdentifier())).execute().getId().toUnqualifiedVersionless().getValue();
		stranger = client.create().resource(new Practitioner().addIdentifier(uniqueIdentifier())).execute().getId().toUnqualifiedVersionless().getValue();
		CareTeam team = new CareTeam().setStatus(CareTeam.CareTeamStatus.ACTIVE).setSubject(new Reference(patient));
		team.addParticipant().setMember(new Reference(doctor));
		client.create().resource(team).execute();
		patientApp = as(personToken(Role.PATIENT, patient, PATIENT_SCOPES));
	}

	private Communication message(String theFrom, String theTo, String theText) {
		Communication message = new Communication().setStatus(Communication.CommunicationStatus.COMPLETED).setSubject(new Reference(patient))
				.setSender(new Reference(theFrom));
		message.addRecipient(new Reference(theTo));
		message.addPayload().setContent(new StringType(theText));
		return message;
	}


	@Test
	void aPatientWritesToTheirCareTeamAndTheDoctorAnswersInTheThread() throws Exception {
		String question = patientApp.create().resource(message(patient, doctor, "The device beeped twice last night.")).execute().getId()
				.toUnqualifiedVersionless().getValue();
		IGenericClient doctorApp = as(personToken(Role.CLINICIAN, doctor, CLINICIAN_SCOPES));
		Communication answer = message(doctor, patient, "Please send a transmission tonight; we will look at it tomorrow.");
		answer.addInResponseTo(new Reference(question));
		doctorApp.create().resource(answer).execute();

		List<Communication> thread = patientApp.search().forResource(Communication.class).where(Communication.SUBJECT.hasId(patient))
				.returnBundle(Bundle.class).execute().getEntry().stream().map(entry -> (Communication) entry.getResource()).toList();
		assertThat(thread).hasSize(2).anySatisfy(reply -> {
			assertThat(reply.getInResponseToFirstRep().getReference()).isEqualTo(question);
			assertThat(reply.getSender().getReference()).isEqualTo(doctor);
		});
	}

	@Test
	void nobodyAddressesAMessageBeyondTheirCareRelationshipsAloneOrInABatch() throws Exception {
		assertThat(refusal(() -> patientApp.create().resource(message(patient, stranger, "Can you look at my device?")).execute())).isEqualTo(403);

		Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
		batch.addEntry().setResource(message(patient, stranger, "Can you look at my device?")).getRequest().setMethod(Bundle.HTTPVerb.POST)
				.setUrl("Communication");
		Bundle answered = patientApp.transaction().withBundle(batch).execute();
		assertThat(answered.getEntryFirstRep().getResponse().getStatus()).startsWith("403");

		IGenericClient strangerApp = as(personToken(Role.CLINICIAN, stranger, CLINICIAN_SCOPES));
		assertThat(refusal(() -> strangerApp.create().resource(message(stranger, patient, "Hello")).execute())).as("not their patient").isEqualTo(403);
		assertThat(client.search().forResource(Communication.class).where(Communication.SUBJECT.hasId(patient)).returnBundle(Bundle.class).execute()
				.getEntry()).as("nothing stored").isEmpty();
	}

	@Test
	void attachmentsAreInlineOfASafeTypeAndNotTooLarge() {
		Communication photo = message(patient, doctor, "The wound, today");
		photo.addPayload().setContent(new Attachment().setContentType("image/png").setData(new byte[] {(byte) 0x89, 'P', 'N', 'G'}));
		assertThat(patientApp.create().resource(photo).execute().getCreated()).isTrue();

		Communication program = message(patient, doctor, "a program");
		program.addPayload().setContent(new Attachment().setContentType("application/x-msdownload").setData("MZ".getBytes(StandardCharsets.US_ASCII)));
		assertThat(refusal(() -> patientApp.create().resource(program).execute())).isEqualTo(422);

		Communication link = message(patient, doctor, "a link");
		link.addPayload().setContent(new Attachment().setContentType("application/pdf").setUrl("https://example.org/letter.pdf"));
		assertThat(refusal(() -> patientApp.create().resource(link).execute())).isEqualTo(422);

		Communication huge = message(patient, doctor, "too large");
		huge.addPayload().setContent(new Attachment().setContentType("application/pdf").setData(new byte[5 * 1024 * 1024 + 1]));
		assertThat(refusal(() -> patientApp.create().resource(huge).execute())).isIn(413, 422);
	}
}
