package org.openimd.server.subscriptions;

import java.util.List;
import org.openimd.terminology.OpenImdUris;

/** OpenIMD's subscription topics, defined in the implementation guide (module ig) as R4 backport Basic topics. */
final class Topics {

	static final List<String> NAMES = List.of("transmission", "alert", "review", "similar-case", "message", "pump-refill-due");

	static final List<String> URLS = NAMES.stream().map(name -> OpenImdUris.SUBSCRIPTION_TOPIC_BASE + name).toList();

	private Topics() {}
}
