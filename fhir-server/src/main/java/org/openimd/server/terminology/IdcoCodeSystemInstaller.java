package org.openimd.server.terminology;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.IdType;
import org.openimd.terminology.IdcoCodeSystem;
import org.openimd.terminology.IdcoTermTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Stores the IDC term table as a CodeSystem at every start, before the server reports itself ready,
 * so that {@code CodeSystem/$lookup} and validation know every term the ingest pipeline may emit.
 * An unchanged table leaves the stored CodeSystem as it is; a changed one (a new OpenIMD release)
 * becomes a new version of the same resource.
 *
 * <p>Unchanged is decided by comparing with the stored copy before writing: HAPI would also see
 * that an update changes nothing, but only after a second of terminology bookkeeping at every start.
 */
@Component
// After the implementation guide, before anything that stores IDCO data.
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class IdcoCodeSystemInstaller implements ApplicationRunner {

	private static final Logger ourLog = LoggerFactory.getLogger(IdcoCodeSystemInstaller.class);

	private final IFhirResourceDao<CodeSystem> myCodeSystems;
	private final IdcoTermTable myTerms;

	IdcoCodeSystemInstaller(DaoRegistry theDaoRegistry, IdcoTermTable theTerms) {
		myCodeSystems = theDaoRegistry.getResourceDao(CodeSystem.class);
		myTerms = theTerms;
	}

	@Override
	public void run(ApplicationArguments theArgs) {
		install();
	}

	/** @return the stored version of the term table's CodeSystem */
	IIdType install() {
		CodeSystem codeSystem = IdcoCodeSystem.from(myTerms);
		Optional<CodeSystem> stored = stored();
		boolean unchanged = stored.filter(previous -> sameContent(previous, codeSystem)).isPresent();
		IIdType version = unchanged
				? stored.get().getIdElement()
				: myCodeSystems.update(codeSystem, new SystemRequestDetails()).getId();
		ourLog.info(
				"IEEE 11073-10103 terms: {} concepts in {} ({})",
				codeSystem.getConcept().size(),
				version.toUnqualified().getValue(),
				unchanged ? "unchanged" : "stored");
		return version;
	}

	private Optional<CodeSystem> stored() {
		try {
			return Optional.of(myCodeSystems.read(new IdType("CodeSystem", IdcoCodeSystem.RESOURCE_ID), new SystemRequestDetails()));
		} catch (ResourceNotFoundException | ResourceGoneException notStored) {
			return Optional.empty();
		}
	}

	private static boolean sameContent(CodeSystem theStored, CodeSystem theNew) {
		CodeSystem stored = theStored.copy();
		stored.setIdElement(theNew.getIdElement());
		stored.setMeta(theNew.getMeta());
		return stored.equalsDeep(theNew);
	}
}
