package org.openimd.server.narrative;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.LookupCodeRequest;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import ca.uhn.fhir.narrative.INarrativeGenerator;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Narrative;
import org.openimd.server.fhir.CheckedWhenStored;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes every stored resource readable by a person: each coding without a display gets the one its
 * code system gives (R4's own, the implementation guide's, the IDCO terms), and the resource gets a
 * generated narrative from OpenIMD's templates (or HAPI's), unless it carries one a person wrote.
 * A generated narrative sent with the resource is generated again, so that it says what is stored.
 */
final class ReadableResources extends CheckedWhenStored {

	private static final Logger ourLog = LoggerFactory.getLogger(ReadableResources.class);

	private final FhirContext myContext;
	private final INarrativeGenerator myNarratives;
	private final IValidationSupport myTerminology;

	ReadableResources(FhirContext theContext, INarrativeGenerator theNarratives, IValidationSupport theTerminology) {
		myContext = theContext;
		myNarratives = theNarratives;
		myTerminology = theTerminology;
	}

	@Override
	protected void check(IBaseResource theResource, Optional<IBaseResource> theVersionBefore, RequestDetails theRequest) {
		if (!(theResource instanceof DomainResource resource)) {
			return;
		}
		for (Coding coding : myContext.newTerser().getAllPopulatedChildElementsOfType(resource, Coding.class)) {
			if (!coding.hasDisplay() && coding.hasSystem() && coding.hasCode()) {
				display(coding.getSystem(), coding.getCode()).ifPresent(coding::setDisplay);
			}
		}
		Narrative sent = resource.getText();
		if (writtenByAPerson(sent)) {
			return;
		}
		resource.setText(null);
		boolean generated;
		try {
			generated = myNarratives.populateResourceNarrative(myContext, resource);
		} catch (RuntimeException e) {
			// the data matters more than its summary: a template that cannot render it must not refuse it
			ourLog.warn("No narrative for a {}: its template failed ({})", resource.fhirType(), e.getMessage());
			generated = false;
		}
		if (!generated) {
			resource.setText(sent);
		}
	}

	/** A narrative with content whose status says it is not generated (an empty one, as mappers leave, is none). */
	private static boolean writtenByAPerson(Narrative theNarrative) {
		return theNarrative.hasStatus() && theNarrative.getStatus() != Narrative.NarrativeStatus.GENERATED && theNarrative.hasDiv()
				&& !theNarrative.getDiv().isEmpty();
	}

	private Optional<String> display(String theSystem, String theCode) {
		var lookup = myTerminology.lookupCode(new ValidationSupportContext(myTerminology), new LookupCodeRequest(theSystem, theCode));
		return lookup != null && lookup.isFound() ? Optional.ofNullable(lookup.getCodeDisplay()).filter(display -> !display.isBlank())
				: Optional.empty();
	}
}
