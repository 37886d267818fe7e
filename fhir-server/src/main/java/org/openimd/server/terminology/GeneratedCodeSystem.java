package org.openimd.server.terminology;

import org.hl7.fhir.r4.model.CodeSystem;

/** A CodeSystem a feature makes from its knowledge (the IDCO terms, the alert rules), which the server stores at every start. */
public interface GeneratedCodeSystem {

	CodeSystem codeSystem();
}
