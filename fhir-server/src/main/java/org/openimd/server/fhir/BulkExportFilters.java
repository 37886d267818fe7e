package org.openimd.server.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;

/**
 * A Bulk Data export's {@code _typeFilter} is read by HAPI's job only once the job runs, where a
 * malformed one fails the whole export and its status answers 500. Each is parsed at kick-off instead,
 * so a client gets its 400 with the reason at once.
 */
class BulkExportFilters {

	private final MatchUrlService myMatchUrls;

	BulkExportFilters(MatchUrlService theMatchUrls) {
		myMatchUrls = theMatchUrls;
	}

	@Hook(Pointcut.STORAGE_PRE_INITIATE_BULK_EXPORT)
	public void refuseMalformedFilters(BulkExportJobParameters theJob) {
		for (String filter : theJob.getFilters()) {
			try {
				myMatchUrls.parseAndTranslateMatchUrl(filter);
			} catch (BaseServerResponseException | IllegalArgumentException malformed) {
				throw new InvalidRequestException("_typeFilter " + filter + " is not a search of one resource type: "
						+ malformed.getMessage());
			}
		}
	}
}
