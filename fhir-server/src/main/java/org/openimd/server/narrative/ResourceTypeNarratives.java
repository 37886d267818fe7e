package org.openimd.server.narrative;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.narrative.CustomThymeleafNarrativeGenerator;
import ca.uhn.fhir.narrative2.INarrativeTemplate;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * HAPI's Thymeleaf narrative generator, choosing a resource's template by its type alone. HAPI's own
 * choice passes over every template that does not name one of the resource's profiles or tags, so an
 * IdcoObservation, a US Core Patient or a resource with a security tag would get no narrative at all.
 */
final class ResourceTypeNarratives extends CustomThymeleafNarrativeGenerator {

	ResourceTypeNarratives(String... theManifests) {
		super(theManifests);
	}

	@Override
	protected List<INarrativeTemplate> getTemplateForElement(FhirContext theContext, IBase theElement) {
		if (theElement instanceof IBaseResource resource) {
			return getManifest().getTemplateByResourceName(theContext, getStyle(), theContext.getResourceType(resource), List.of(), List.of());
		}
		return super.getTemplateForElement(theContext, theElement);
	}
}
