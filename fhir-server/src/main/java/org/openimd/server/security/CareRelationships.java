package org.openimd.server.security;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.r4.model.CareTeam;
import org.openimd.server.security.login.Role;

/**
 * Whose care a person or organisation takes part in: the patients of every active CareTeam that lists
 * them as a participant. This is what lets a clinician see a patient, and a pharmacy a pump patient.
 */
public class CareRelationships {

	private final DaoRegistry myDaos;

	public CareRelationships(DaoRegistry theDaos) {
		myDaos = theDaos;
	}

	/**
	 * The patients a person of {@code theRole} may see at most, whatever their scopes: empty for every
	 * patient (administrators).
	 *
	 * @param theFhirUser the person's FHIR resource ({@code Patient/12}, {@code Practitioner/3}), or null
	 * @param theOrganization the Organization they act for, or null
	 */
	public Optional<Set<String>> reachableBy(Role theRole, String theFhirUser, String theOrganization) {
		return switch (theRole) {
			case ADMIN -> Optional.empty();
			case PATIENT -> Optional.of(AccessContext.reference(theFhirUser, "Patient").map(Set::of).orElse(Set.of()));
			case CLINICIAN -> Optional.of(AccessContext.reference(theFhirUser, "Practitioner")
					.map(id -> patientsOf("Practitioner/" + id))
					.orElse(Set.of()));
			case PHARMACIST -> Optional.of(theOrganization == null ? Set.of() : patientsOf(theOrganization));
			case MANUFACTURER, REVIEWER -> Optional.of(Set.of());
		};
	}

	/**
	 * @param theParticipant a Practitioner or Organization reference, e.g. {@code Practitioner/3}
	 * @return the ids of the patients (without {@code Patient/})
	 */
	public Set<String> patientsOf(String theParticipant) {
		SearchParameterMap search = SearchParameterMap.newSynchronous()
				.add(CareTeam.SP_PARTICIPANT, new ReferenceParam(theParticipant))
				.add(CareTeam.SP_STATUS, new TokenParam(CareTeam.CareTeamStatus.ACTIVE.toCode()));
		Set<String> patients = new TreeSet<>();
		for (CareTeam team : myDaos.getResourceDao(CareTeam.class).searchForResources(search, new SystemRequestDetails())) {
			if (team.getSubject().getReferenceElement().getResourceType() != null
					&& team.getSubject().getReferenceElement().getResourceType().equals("Patient")) {
				patients.add(team.getSubject().getReferenceElement().getIdPart());
			}
		}
		return patients;
	}

	/** The Practitioners of {@code thePatient}'s active care teams, e.g. {@code Practitioner/3}: who looks after them. */
	public List<String> practitionersOf(String thePatient) {
		SearchParameterMap search = SearchParameterMap.newSynchronous()
				.add(CareTeam.SP_SUBJECT, new ReferenceParam(thePatient))
				.add(CareTeam.SP_STATUS, new TokenParam(CareTeam.CareTeamStatus.ACTIVE.toCode()));
		return myDaos.getResourceDao(CareTeam.class).searchForResources(search, new SystemRequestDetails()).stream()
				.flatMap(team -> ((CareTeam) team).getParticipant().stream()).map(participant -> participant.getMember().getReference())
				.filter(member -> member != null && member.startsWith("Practitioner/")).distinct().toList();
	}
}
