package org.openimd.server.terminology;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.IdType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Stores the CodeSystems features make from their knowledge (the IDCO term table, the alert rules) at
 * every start, before the server reports itself ready, so that {@code CodeSystem/$lookup} and
 * validation know every code OpenIMD may write. An unchanged CodeSystem is left as it is; a changed
 * one (a new OpenIMD release) becomes a new version of the same resource.
 *
 * <p>Unchanged is decided by comparing with the stored copy before writing: HAPI would also see
 * that an update changes nothing, but only after a second of terminology bookkeeping at every start.
 */
@Component
// After the implementation guide, before anything that stores IDCO data.
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class CodeSystemInstaller implements ApplicationRunner {

	private static final Logger ourLog = LoggerFactory.getLogger(CodeSystemInstaller.class);

	private final IFhirResourceDao<CodeSystem> myCodeSystems;
	private final List<GeneratedCodeSystem> myGenerated;

	CodeSystemInstaller(DaoRegistry theDaoRegistry, List<GeneratedCodeSystem> theGenerated) {
		myCodeSystems = theDaoRegistry.getResourceDao(CodeSystem.class);
		myGenerated = theGenerated;
	}

	@Override
	public void run(ApplicationArguments theArgs) {
		myGenerated.forEach(generated -> install(generated.codeSystem()));
	}

	/** @return the stored version of {@code theCodeSystem} */
	IIdType install(CodeSystem theCodeSystem) {
		Optional<CodeSystem> stored = stored(theCodeSystem.getIdElement().getIdPart());
		boolean unchanged = stored.filter(previous -> sameContent(previous, theCodeSystem)).isPresent();
		IIdType version = unchanged
				? stored.get().getIdElement()
				: myCodeSystems.update(theCodeSystem, new SystemRequestDetails()).getId();
		ourLog.info(
				"{}: {} concepts in {} ({})",
				theCodeSystem.getTitle(),
				theCodeSystem.getConcept().size(),
				version.toUnqualified().getValue(),
				unchanged ? "unchanged" : "stored");
		return version;
	}

	private Optional<CodeSystem> stored(String theId) {
		try {
			return Optional.of(myCodeSystems.read(new IdType("CodeSystem", theId), new SystemRequestDetails()));
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
