package org.openimd.server.narrative;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.narrative.CustomThymeleafNarrativeGenerator;
import ca.uhn.fhir.narrative2.INarrativeTemplate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.context.Context;
import org.thymeleaf.messageresolver.IMessageResolver;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.StringTemplateResolver;

/**
 * HAPI's Thymeleaf narrative generator, choosing a resource's template by its type alone, and
 * rendering OpenIMD's own templates with one engine that keeps them parsed.
 *
 * <p>HAPI's choice passes over every template that does not name one of the resource's profiles or
 * tags, so an IdcoObservation, a US Core Patient or a resource with a security tag would get no
 * narrative at all. And HAPI builds a new template engine, reads the template from the class path and
 * parses it for every resource it renders: about 4 ms a resource, most of an interrogation's cost
 * beyond the database. OpenIMD's templates need nothing of HAPI's dialect (only the resource and the
 * {@link ReadableLabels}), so they are rendered by an engine of their own; HAPI's templates (OperationOutcome) are
 * rendered by HAPI as before. A Patient is stored again with each of its interrogations, so it has a
 * template of OpenIMD's too.
 */
final class ResourceTypeNarratives extends CustomThymeleafNarrativeGenerator {

	/** How the templates in OpenIMD's manifest are named. */
	static final String OWN_TEMPLATE_PREFIX = "openimd-";

	private final TemplateEngine myOwnTemplates = new TemplateEngine();
	private final Map<String, String> myOwnTemplateTexts = new ConcurrentHashMap<>();

	ResourceTypeNarratives(IMessageResolver theLabels, String... theManifests) {
		super(theManifests);
		setMessageResolver(theLabels);
		StringTemplateResolver parsedOnce = new StringTemplateResolver();
		// as HAPI renders narratives: XHTML, written as XML
		parsedOnce.setTemplateMode(TemplateMode.XML);
		parsedOnce.setCacheable(true);
		myOwnTemplates.setTemplateResolver(parsedOnce);
		myOwnTemplates.setMessageResolver(theLabels);
	}

	@Override
	protected List<INarrativeTemplate> getTemplateForElement(FhirContext theContext, IBase theElement) {
		if (theElement instanceof IBaseResource resource) {
			return getManifest().getTemplateByResourceName(theContext, getStyle(), theContext.getResourceType(resource), List.of(), List.of());
		}
		return super.getTemplateForElement(theContext, theElement);
	}

	@Override
	protected String applyTemplate(FhirContext theContext, INarrativeTemplate theTemplate, IBase theTarget) {
		if (!theTemplate.getTemplateName().startsWith(OWN_TEMPLATE_PREFIX)) {
			return super.applyTemplate(theContext, theTemplate, theTarget);
		}
		Context variables = new Context();
		variables.setVariable("resource", theTarget);
		return myOwnTemplates.process(myOwnTemplateTexts.computeIfAbsent(theTemplate.getTemplateName(), name -> theTemplate.getTemplateText()),
				variables);
	}
}
