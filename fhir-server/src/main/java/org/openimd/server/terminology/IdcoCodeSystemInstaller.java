package org.openimd.server.terminology;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.model.DaoMethodOutcome;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import org.hl7.fhir.r4.model.CodeSystem;
import org.openimd.terminology.IdcoCodeSystem;
import org.openimd.terminology.IdcoTermTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Stores the IDC term table as a CodeSystem at every start, before the server reports itself ready,
 * so that {@code CodeSystem/$lookup} and validation know every term the ingest pipeline may emit.
 * An unchanged table leaves the stored CodeSystem at its current version; a changed one (a new
 * OpenIMD release) becomes a new version of the same resource.
 */
@Component
class IdcoCodeSystemInstaller implements ApplicationRunner {

	private static final Logger ourLog = LoggerFactory.getLogger(IdcoCodeSystemInstaller.class);

	private final DaoRegistry myDaoRegistry;

	IdcoCodeSystemInstaller(DaoRegistry theDaoRegistry) {
		myDaoRegistry = theDaoRegistry;
	}

	@Override
	public void run(ApplicationArguments theArgs) {
		install();
	}

	DaoMethodOutcome install() {
		CodeSystem codeSystem = IdcoCodeSystem.from(IdcoTermTable.load());
		DaoMethodOutcome outcome =
				myDaoRegistry.getResourceDao(CodeSystem.class).update(codeSystem, new SystemRequestDetails());
		ourLog.info(
				"IEEE 11073-10103 terms: {} concepts in {} ({})",
				codeSystem.getConcept().size(),
				outcome.getId().toUnqualified().getValue(),
				outcome.isNop() ? "unchanged" : "stored");
		return outcome;
	}
}
