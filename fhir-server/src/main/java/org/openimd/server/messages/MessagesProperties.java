package org.openimd.server.messages;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code openimd.messages.*}: the largest attachment a message may carry ({@code max-attachment-bytes},
 * 5 MiB: a project decision, room for a photo or a scanned letter, far below the request limit).
 */
@ConfigurationProperties("openimd.messages")
record MessagesProperties(@DefaultValue("5242880") long maxAttachmentBytes) {}
