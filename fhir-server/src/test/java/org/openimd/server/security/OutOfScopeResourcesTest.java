package org.openimd.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.IPreResourceAccessDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationInterceptor;
import ca.uhn.fhir.rest.server.interceptor.auth.IRuleApplier;
import ca.uhn.fhir.rest.server.interceptor.auth.PolicyEnum;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HAPI asks {@code STORAGE_PREACCESS_RESOURCES} about every match of a search as it goes on loading
 * them (250 at a time, in one transaction), and each match a hook asks for is read and parsed. The gate
 * once did, and a client paging through a clinic's 90,000 Observations ran a 1 GB server out of memory;
 * a search is judged page by page instead (the cross-patient suites test what is left out of pages).
 */
class OutOfScopeResourcesTest {

	private final List<Integer> myRead = new ArrayList<>();
	private final List<Integer> myLeftOut = new ArrayList<>();
	private final OutOfScopeResources myGate = new OutOfScopeResources(new NothingWithinReach(), new CareRelationships(null), Set.of());

	@ParameterizedTest
	@EnumSource(value = RestOperationTypeEnum.class, names = {"SEARCH_TYPE", "SEARCH_SYSTEM", "GET_PAGE", "HISTORY_INSTANCE", "HISTORY_TYPE",
			"HISTORY_SYSTEM"})
	void theMatchesOfASearchAreNotReadToBeJudgedAsHapiLoadsThem(RestOperationTypeEnum theSearch) {
		myGate.leaveOutOfOperations(request(theSearch), matches(250));

		assertThat(myRead).isEmpty();
		assertThat(myLeftOut).isEmpty();
	}

	@Test
	void whatAnOperationReadsAsItsCallerIsJudgedBeforeItIsLoadedForIt() {
		myGate.leaveOutOfOperations(request(RestOperationTypeEnum.EXTENDED_OPERATION_TYPE), matches(3));

		assertThat(myLeftOut).containsExactly(0, 1, 2);
	}

	private static RequestDetails request(RestOperationTypeEnum theOperation) {
		SystemRequestDetails request = new SystemRequestDetails();
		request.setRestOperationType(theOperation);
		return request;
	}

	/** Matches as HAPI offers them: each is read from the database only once asked for. */
	private IPreResourceAccessDetails matches(int theCount) {
		return new IPreResourceAccessDetails() {
			@Override
			public int size() {
				return theCount;
			}

			@Override
			public IBaseResource getResource(int theIndex) {
				myRead.add(theIndex);
				return new Patient().setId("Patient/" + theIndex);
			}

			@Override
			public void setDontReturnResourceAtIndex(int theIndex) {
				myLeftOut.add(theIndex);
			}
		};
	}

	/** Rules under which nothing is within reach. */
	private static final class NothingWithinReach implements IRuleApplier {

		@Override
		public Logger getTroubleshootingLog() {
			return LoggerFactory.getLogger(OutOfScopeResourcesTest.class);
		}

		@Override
		public AuthorizationInterceptor.Verdict applyRulesAndReturnDecision(RestOperationTypeEnum theOperation, RequestDetails theRequest,
				IBaseResource theInput, IIdType theInputId, IBaseResource theOutput, Pointcut thePointcut) {
			return new AuthorizationInterceptor.Verdict(PolicyEnum.DENY, null);
		}

		@Override
		public IValidationSupport getValidationSupport() {
			return null;
		}
	}
}
