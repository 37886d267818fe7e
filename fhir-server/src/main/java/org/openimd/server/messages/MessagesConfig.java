package org.openimd.server.messages;

import java.util.List;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Reference;
import org.openimd.server.security.AddressedResources;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Messages between patients and their clinic are Communications: {@code subject} the patient,
 * {@code sender} and {@code recipient} the people, {@code inResponseTo} the message answered, the text
 * and attachments as {@code payload}. Who may be addressed is the write gate's to decide, from the
 * recipients declared here; what may be attached, {@link MessageAttachments}'.
 */
@Configuration(proxyBeanMethods = false)
class MessagesConfig {

	@Bean
	AddressedResources communicationRecipients() {
		return resource -> resource instanceof Communication message
				? message.getRecipient().stream().map(Reference::getReference).filter(reference -> reference != null && !reference.startsWith("#")).toList()
				: List.of();
	}

	@Bean
	MessageAttachments messageAttachments(MessagesProperties theProperties) {
		return new MessageAttachments(theProperties.maxAttachmentBytes());
	}
}
