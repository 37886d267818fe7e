package org.openimd.server.pump;

import java.util.Optional;
import org.openimd.terminology.KnowledgeTables.Citation;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge.Drug;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge.Severity;

/** One rule that fired: its ID, severity, why, the ingredient it concerns, and the source of its number. */
public record Finding(String rule, Severity severity, String message, Optional<Drug> ingredient, Citation citation) {

	/** A finding of {@code theRule} with the rule's own severity, summary and citation after {@code theDetail}. */
	static Finding of(IntrathecalKnowledge theKnowledge, String theRule, Optional<Drug> theDrug, String theDetail) {
		IntrathecalKnowledge.Rule rule = theKnowledge.rule(theRule);
		return new Finding(theRule, rule.severity(), theDetail + ": " + rule.summary() + " " + rule.citation(), theDrug, rule.citation());
	}
}
