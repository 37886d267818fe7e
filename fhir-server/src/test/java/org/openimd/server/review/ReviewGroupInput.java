package org.openimd.server.review;

import java.util.UUID;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.openimd.terminology.OpenImdUris;
import org.openimd.terminology.ReviewCodes;

/** Review groups and submissions for review, as a clinic sets them up and sends them. */
public final class ReviewGroupInput {

	private static final String SNOMED = "http://snomed.info/sct";

	private ReviewGroupInput() {}

	/** A group of {@code theMembers} (cardiologists) reviewing ECG strips, EGM episodes and interrogations. */
	public static CareTeam group(boolean theOpen, String theAssignment, String... theMembers) {
		CareTeam team = new CareTeam().setStatus(CareTeam.CareTeamStatus.ACTIVE).setName("Electrophysiology review " + UUID.randomUUID());
		team.addCategory().addCoding().setSystem(OpenImdUris.REVIEW_SYSTEM).setCode(ReviewCodes.REVIEW_GROUP);
		Extension settings = team.addExtension().setUrl(OpenImdUris.REVIEW_GROUP_EXTENSION);
		settings.addExtension("reviews", new Coding(OpenImdUris.CARDIAC_WAVEFORM_SYSTEM, OpenImdUris.ECG_STRIP, null));
		settings.addExtension("reviews", new Coding(OpenImdUris.CARDIAC_WAVEFORM_SYSTEM, OpenImdUris.EGM_EPISODE, null));
		settings.addExtension("reviews", new Coding(OpenImdUris.REVIEW_SYSTEM, ReviewCodes.INTERROGATION, null));
		settings.addExtension("openReview", new BooleanType(theOpen));
		settings.addExtension("assignment", new CodeType(theAssignment));
		for (String member : theMembers) {
			team.addParticipant().setMember(new Reference(member)).addRole(new CodeableConcept(new Coding(SNOMED, "17561000", "Cardiologist")));
		}
		return team;
	}

	/** The input of {@code $submit-for-review}: {@code theDataSet} to {@code theGroup}, with a question. */
	public static Parameters submission(String theGroup, String... theDataSet) {
		Parameters input = new Parameters();
		for (String item : theDataSet) {
			input.addParameter().setName("dataSet").setValue(new Reference(item));
		}
		input.addParameter().setName("group").setValue(new Reference(theGroup));
		input.addParameter().setName("question").setValue(new StringType("VT or SVT with aberrancy?"));
		return input;
	}
}
