package org.openimd.server.review;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Reference;
import org.openimd.terminology.OpenImdUris;
import org.openimd.terminology.ReviewCodes;

/**
 * The review groups: CareTeams of category review-group, their members (the participants) and their
 * settings (the review-group extension), managed through FHIR like any CareTeam.
 */
class ReviewGroups {

	/**
	 * @param id e.g. {@code CareTeam/4}
	 * @param kinds the data-set kinds it reads: ecg-strip, egm-episode, interrogation
	 * @param members the participants, e.g. {@code Practitioner/7}
	 */
	record ReviewGroup(String id, Set<String> kinds, boolean openReview, boolean onePerMember, List<String> members) {}

	private final DaoRegistry myDaos;

	ReviewGroups(DaoRegistry theDaos) {
		myDaos = theDaos;
	}

	ReviewGroup read(Reference theGroup) {
		CareTeam team;
		try {
			team = myDaos.getResourceDao(CareTeam.class).read(new IdType(theGroup.getReference()), new SystemRequestDetails());
		} catch (ResourceNotFoundException | IllegalArgumentException e) {
			throw new UnprocessableEntityException("the review group " + theGroup.getReference() + " does not exist");
		}
		if (!isReviewGroup(team)) {
			throw new UnprocessableEntityException(theGroup.getReference() + " is no review group (CareTeam.category " + ReviewCodes.REVIEW_GROUP + ")");
		}
		return of(team);
	}

	/** The first active group, by id, that reads every kind in {@code theKinds}. */
	Optional<ReviewGroup> forKinds(Collection<String> theKinds) {
		SearchParameterMap search = SearchParameterMap.newSynchronous()
				.add(CareTeam.SP_CATEGORY, new TokenParam(OpenImdUris.REVIEW_SYSTEM, ReviewCodes.REVIEW_GROUP))
				.add(CareTeam.SP_STATUS, new TokenParam(CareTeam.CareTeamStatus.ACTIVE.toCode()));
		return myDaos.getResourceDao(CareTeam.class).searchForResources(search, new SystemRequestDetails()).stream()
				.map(team -> of((CareTeam) team))
				.filter(group -> group.kinds().containsAll(theKinds))
				.min((one, other) -> Long.compare(new IdType(one.id()).getIdPartAsLong(), new IdType(other.id()).getIdPartAsLong()));
	}

	/** The review groups {@code thePractitioner} is a member of. */
	List<String> groupsOf(String thePractitioner) {
		SearchParameterMap search = SearchParameterMap.newSynchronous()
				.add(CareTeam.SP_CATEGORY, new TokenParam(OpenImdUris.REVIEW_SYSTEM, ReviewCodes.REVIEW_GROUP))
				.add(CareTeam.SP_PARTICIPANT, new ReferenceParam(thePractitioner));
		return myDaos.getResourceDao(CareTeam.class).searchForResources(search, new SystemRequestDetails()).stream()
				.map(team -> team.getIdElement().toUnqualifiedVersionless().getValue()).toList();
	}

	private static boolean isReviewGroup(CareTeam theTeam) {
		return theTeam.getCategory().stream().flatMap(category -> category.getCoding().stream())
				.anyMatch(coding -> OpenImdUris.REVIEW_SYSTEM.equals(coding.getSystem()) && ReviewCodes.REVIEW_GROUP.equals(coding.getCode()));
	}

	private static ReviewGroup of(CareTeam theTeam) {
		Extension settings = Optional.ofNullable(theTeam.getExtensionByUrl(OpenImdUris.REVIEW_GROUP_EXTENSION)).orElseGet(Extension::new);
		Set<String> kinds = settings.getExtensionsByUrl("reviews").stream().map(kind -> ((Coding) kind.getValue()).getCode())
				.collect(Collectors.toUnmodifiableSet());
		boolean open = Optional.ofNullable(settings.getExtensionByUrl("openReview")).map(flag -> ((BooleanType) flag.getValue()).booleanValue())
				.orElse(false);
		boolean perMember = Optional.ofNullable(settings.getExtensionByUrl("assignment")).map(mode -> mode.getValue().primitiveValue())
				.map(ReviewCodes.ASSIGN_TO_MEMBER::equals).orElse(true);
		List<String> members = theTeam.getParticipant().stream().map(participant -> participant.getMember().getReference())
				.filter(member -> member != null && member.startsWith("Practitioner/")).toList();
		return new ReviewGroup(theTeam.getIdElement().toUnqualifiedVersionless().getValue(), kinds, open, perMember, members);
	}
}
