package org.openimd.server.deid;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationConstants;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Resource;
import org.openimd.server.fhir.StorageInterceptor;

/**
 * The de-identified variant of Bulk Data export: {@code $export?deidentified=true} (at any level)
 * writes every resource through the Safe Harbor profile ({@link Deidentifier}) into the files, so ids
 * and references become keyed pseudonyms, the same in every file and every export, and nothing that
 * identifies a person leaves. Who may export what is decided as for any export; this only changes what
 * the files hold.
 */
// After the gate has chosen what goes into the file, which it tells from the resources as stored.
@Interceptor(order = AuthorizationConstants.ORDER_AUTH_INTERCEPTOR + 100)
class DeidentifiedBulkExport implements StorageInterceptor {

	static final String PARAMETER = "deidentified";
	private static final String DEIDENTIFIED = "openimd.deidentified";

	private final Deidentifier myDeidentifier;

	DeidentifiedBulkExport(Deidentifier theDeidentifier) {
		myDeidentifier = theDeidentifier;
	}

	@Hook(Pointcut.STORAGE_PRE_INITIATE_BULK_EXPORT)
	public void markIfAsked(BulkExportJobParameters theJob, RequestDetails theRequest) {
		if (asked(theRequest)) {
			theJob.setUserData(DEIDENTIFIED, true);
		}
	}

	/** Runs for each resource on its way into a file; the stored resource is not touched. */
	@Hook(Pointcut.STORAGE_BULK_EXPORT_RESOURCE_INCLUSION)
	public boolean deidentifyIfMarked(BulkExportJobParameters theJob, IBaseResource theResource) {
		if (Boolean.TRUE.equals(theJob.getUserData().get(DEIDENTIFIED))) {
			myDeidentifier.deidentifyInPlace((Resource) theResource);
		}
		return true;
	}

	private static boolean asked(RequestDetails theRequest) {
		String value = valueOf(theRequest);
		if (value == null) {
			return false;
		}
		if (!value.equals("true") && !value.equals("false")) {
			throw new InvalidRequestException(PARAMETER + " is true or false, not " + value);
		}
		return value.equals("true");
	}

	/** The parameter from the query of a GET, or from the Parameters of a POST. */
	private static String valueOf(RequestDetails theRequest) {
		String[] values = theRequest.getParameters().get(PARAMETER);
		if (values != null && values.length > 0) {
			return values[0];
		}
		if (theRequest.getResource() instanceof Parameters parameters && parameters.getParameter(PARAMETER) != null
				&& parameters.getParameter(PARAMETER).hasValue()) {
			return parameters.getParameter(PARAMETER).getValue().primitiveValue();
		}
		return null;
	}
}
