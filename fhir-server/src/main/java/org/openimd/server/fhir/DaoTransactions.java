package org.openimd.server.fhir;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.api.model.DaoMethodOutcome;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;
import ca.uhn.fhir.util.FhirTerser;
import ca.uhn.fhir.util.ResourceReferenceInfo;
import jakarta.persistence.EntityManager;
import jakarta.persistence.FlushModeType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseReference;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.transaction.support.TransactionOperations;

/**
 * {@link InOrderTransactions} as HAPI's own creates and updates, one after the other in one database
 * transaction, each with its references to earlier entries already resolved. HAPI's transaction
 * processing stores every entry twice (unindexed first, then again once all references are known);
 * here each is stored once. What a write triggers is the same: every storage hook runs for each
 * resource, conditional creates and updates match as HAPI matches them, and the same conflicts are
 * raised.
 */
class DaoTransactions implements InOrderTransactions {

	private final DaoRegistry myDaos;
	private final TransactionOperations myTransactions;
	private final EntityManager myEntityManager;
	private final Clock myClock;

	DaoTransactions(DaoRegistry theDaos, TransactionOperations theTransactions, EntityManager theEntityManager, Clock theClock) {
		myDaos = theDaos;
		myTransactions = theTransactions;
		myEntityManager = theEntityManager;
		myClock = theClock;
	}

	@Override
	public List<IIdType> store(Bundle theTransaction, RequestDetails theRequest) {
		theTransaction.getEntry().forEach(DaoTransactions::checkSupported);
		// What storing changes in the bundle (ids, references) is put back if it fails, so that a caller may try again.
		List<Runnable> undo = new ArrayList<>();
		try {
			return myTransactions.execute(status -> storeAll(theTransaction, theRequest, undo));
		} catch (RuntimeException e) {
			undo.forEach(Runnable::run);
			throw e;
		}
	}

	private List<IIdType> storeAll(Bundle theTransaction, RequestDetails theRequest, List<Runnable> theUndo) {
		// As HAPI's transaction processing does: otherwise every search a write makes (a conditional match, a
		// reference's target) flushes all written before it, and a transaction costs the square of its size.
		myEntityManager.setFlushMode(FlushModeType.COMMIT);
		TransactionDetails details = new TransactionDetails(Date.from(myClock.instant()));
		FhirTerser terser = myDaos.getSystemDao().getContext().newTerser();
		Map<String, IIdType> stored = new HashMap<>();
		List<IIdType> ids = new ArrayList<>();
		for (BundleEntryComponent entry : theTransaction.getEntry()) {
			Resource resource = entry.getResource();
			String idBefore = resource.getIdElement().getValue();
			theUndo.add(() -> resource.setId(idBefore));
			referToStored(terser, resource, stored, theUndo);
			IIdType id = write(entry, resource, theRequest, details).getId();
			ids.add(id);
			if (entry.hasFullUrl()) {
				stored.put(entry.getFullUrl(), id.toUnqualifiedVersionless());
			}
		}
		return ids;
	}

	private DaoMethodOutcome write(BundleEntryComponent theEntry, Resource theResource, RequestDetails theRequest, TransactionDetails theDetails) {
		@SuppressWarnings("unchecked")
		IFhirResourceDao<Resource> dao = (IFhirResourceDao<Resource>) myDaos.getResourceDao(theResource.fhirType());
		String url = theEntry.getRequest().getUrl();
		if (theEntry.getRequest().getMethod() == Bundle.HTTPVerb.POST) {
			theResource.setId((String) null);
			return dao.create(theResource, theEntry.getRequest().getIfNoneExist(), true, theRequest, theDetails);
		}
		if (url.contains("?")) {
			if (theResource.getIdElement().getValue() != null && theResource.getIdElement().getValue().startsWith("urn:")) {
				// as HAPI's transaction processing does: a placeholder is no id the match must agree with
				theResource.setId((String) null);
			}
			return dao.update(theResource, url, true, false, theRequest, theDetails);
		}
		theResource.setId(url);
		return dao.update(theResource, null, true, false, theRequest, theDetails);
	}

	/** References to an earlier entry's {@code fullUrl} now name what that entry was stored as. */
	private static void referToStored(FhirTerser theTerser, Resource theResource, Map<String, IIdType> theStored, List<Runnable> theUndo) {
		for (ResourceReferenceInfo info : theTerser.getAllResourceReferences(theResource)) {
			IBaseReference reference = info.getResourceReference();
			String target = reference.getReferenceElement().getValue();
			if (target == null) {
				continue;
			}
			IIdType stored = theStored.get(target);
			if (stored != null) {
				reference.setReference(stored.getValue());
				theUndo.add(() -> reference.setReference(target));
			} else if (target.startsWith("urn:")) {
				throw new IllegalArgumentException(
						"Bundle entry " + theResource.fhirType() + " refers to " + target + ", which no earlier entry is");
			}
		}
	}

	private static void checkSupported(BundleEntryComponent theEntry) {
		Bundle.HTTPVerb method = theEntry.getRequest().getMethod();
		if (theEntry.getResource() == null || (method != Bundle.HTTPVerb.POST && method != Bundle.HTTPVerb.PUT)
				|| (method == Bundle.HTTPVerb.PUT && !theEntry.getRequest().hasUrl())) {
			throw new IllegalArgumentException("Only creates and updates with their resource can be stored in order, not " + method + " "
					+ theEntry.getRequest().getUrl());
		}
	}
}
