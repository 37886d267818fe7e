package org.openimd.server.messages;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Communication;
import org.openimd.server.fhir.CheckedWhenStored;

/**
 * What a message may carry: attachments sent inline (a link could point anywhere), of a type a clinic
 * and a patient can open safely (PDF, JPEG, PNG, plain text), no larger than the configured size.
 */
class MessageAttachments extends CheckedWhenStored {

	static final Set<String> TYPES = Set.of("application/pdf", "image/jpeg", "image/png", "text/plain");

	private final long myMaxBytes;

	MessageAttachments(long theMaxBytes) {
		myMaxBytes = theMaxBytes;
	}

	@Override
	protected void check(IBaseResource theResource, Optional<IBaseResource> theVersionBefore, RequestDetails theRequest) {
		if (!(theResource instanceof Communication message)) {
			return;
		}
		for (int i = 0; i < message.getPayload().size(); i++) {
			if (message.getPayload().get(i).getContent() instanceof Attachment attachment) {
				String where = "Communication.payload[" + i + "].contentAttachment";
				if (!attachment.hasData()) {
					throw new UnprocessableEntityException(where + ": an attachment is sent inline (data), not as a link");
				}
				String type = attachment.hasContentType() ? attachment.getContentType().split(";")[0].strip().toLowerCase(Locale.ROOT) : "";
				if (!TYPES.contains(type)) {
					throw new UnprocessableEntityException(where + ": contentType '" + type + "' is not one of " + TYPES.stream().sorted().toList());
				}
				if (attachment.getData().length > myMaxBytes) {
					throw new UnprocessableEntityException(where + ": " + attachment.getData().length + " bytes, more than the " + myMaxBytes + " allowed");
				}
			}
		}
	}
}
