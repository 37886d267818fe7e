package org.openimd.terminology.alerts;

import java.util.Locale;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.CodeSystemContentMode;
import org.hl7.fhir.r4.model.CodeSystem.PropertyType;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.StringType;
import org.openimd.terminology.OpenImdUris;

/**
 * The alert rules as the CodeSystem DetectedIssue.code draws from: one concept per rule, its meaning
 * as display, its priority, kind and sources as properties, at the rules' version.
 */
public final class AlertRuleCodeSystem {

	/** The logical id under which the server stores the CodeSystem. */
	public static final String RESOURCE_ID = "alert-rule";

	private AlertRuleCodeSystem() {}

	public static CodeSystem from(AlertKnowledge theRules) {
		CodeSystem codeSystem = new CodeSystem();
		codeSystem.setId(RESOURCE_ID);
		codeSystem.setUrl(OpenImdUris.ALERT_RULE_SYSTEM);
		codeSystem.setVersion(theRules.version());
		codeSystem.setName("OpenImdAlertRules");
		codeSystem.setTitle("OpenIMD remote-monitoring alert rules");
		codeSystem.setStatus(PublicationStatus.ACTIVE);
		codeSystem.setExperimental(false);
		codeSystem.setPublisher("OpenIMD");
		codeSystem.setDescription("The rules every transmission is judged by (terminology alerts/rules.csv), as the code of the DetectedIssues they raise.");
		codeSystem.setCaseSensitive(true);
		codeSystem.setContent(CodeSystemContentMode.COMPLETE);
		codeSystem.setCount(theRules.rules().size());
		for (String property : new String[] {"priority", "kind", "sources"}) {
			codeSystem.addProperty().setCode(property).setType(PropertyType.STRING);
		}
		for (AlertKnowledge.Rule rule : theRules.rules()) {
			CodeSystem.ConceptDefinitionComponent concept = codeSystem.addConcept().setCode(rule.id()).setDisplay(rule.alert());
			concept.addProperty().setCode("priority").setValue(new StringType(rule.priority().name().toLowerCase(Locale.ROOT)
					+ (rule.projectDecision() ? " (project decision)" : "")));
			concept.addProperty().setCode("kind").setValue(new StringType(rule.kind().name()));
			concept.addProperty().setCode("sources").setValue(new StringType(rule.citation().toString()));
		}
		return codeSystem;
	}
}
