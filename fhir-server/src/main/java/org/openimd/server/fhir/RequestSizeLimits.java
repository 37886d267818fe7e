package org.openimd.server.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.PayloadTooLargeException;
import ca.uhn.fhir.util.BundleUtil;
import jakarta.servlet.http.HttpServletRequest;
import org.hl7.fhir.instance.model.api.IBaseBundle;

/**
 * Bounds on what one request may ask of the server ({@code openimd.fhir.max-request-bytes},
 * {@code max-bundle-entries}): a larger body or a batch or transaction of more entries answers 413 with
 * an OperationOutcome, before anything is written. The declared length is checked before the body is
 * read; a body sent without one is measured once HAPI has read it.
 */
class RequestSizeLimits {

	private final long myMaxBytes;
	private final int myMaxEntries;

	RequestSizeLimits(long theMaxBytes, int theMaxEntries) {
		myMaxBytes = theMaxBytes;
		myMaxEntries = theMaxEntries;
	}

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_PROCESSED)
	public boolean declaredLength(HttpServletRequest theRequest) {
		if (theRequest.getContentLengthLong() > myMaxBytes) {
			throw tooLarge("the request body has " + theRequest.getContentLengthLong() + " bytes");
		}
		return true;
	}

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
	public void contents(RequestDetails theRequest, RestOperationTypeEnum theOperation) {
		if (theRequest.getResource() instanceof IBaseBundle bundle
				&& (theOperation == RestOperationTypeEnum.TRANSACTION || theOperation == RestOperationTypeEnum.BATCH)) {
			int entries = BundleUtil.toListOfEntries(theRequest.getFhirContext(), bundle).size();
			if (entries > myMaxEntries) {
				throw tooLarge("the " + theOperation.getCode() + " has " + entries + " entries; at most " + myMaxEntries + " are accepted");
			}
		}
		// Only once HAPI has read the body itself: an operation that streams it (a CSV upload) reads it after this.
		byte[] body = theRequest.getResource() == null ? null : theRequest.loadRequestContents();
		if (body != null && body.length > myMaxBytes) {
			throw tooLarge("the request body has " + body.length + " bytes");
		}
	}

	private PayloadTooLargeException tooLarge(String theWhat) {
		return new PayloadTooLargeException(theWhat + "; this server accepts at most " + myMaxBytes + " bytes and " + myMaxEntries
				+ " entries a request (openimd.fhir.max-request-bytes, max-bundle-entries)");
	}
}
