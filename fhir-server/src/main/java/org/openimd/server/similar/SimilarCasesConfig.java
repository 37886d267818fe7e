package org.openimd.server.similar;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.openimd.server.fhir.CheckedWhenStored;
import org.openimd.server.security.CareRelationships;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/**
 * Similar cases: the method (data, in the terminology module), the index ({@code
 * openimd.similar.index}: {@code hnsw}, Lucene's graph, or {@code exact}), the threshold ({@code
 * openimd.similar.threshold}, by default the method's), who is told ({@code
 * openimd.similar.notify}), and the index built again in the background once the server is up.
 */
@Configuration(proxyBeanMethods = false)
class SimilarCasesConfig {

	@Bean(destroyMethod = "shutdownNow")
	ExecutorService similarCasesWorker() {
		return Executors.newSingleThreadExecutor(runnable -> {
			Thread thread = new Thread(runnable, "openimd-similar-cases");
			thread.setDaemon(true);
			return thread;
		});
	}

	@Bean(destroyMethod = "close")
	SimilarityIndex similarityIndex(@Value("${openimd.similar.index:hnsw}") String theKind) {
		return switch (theKind) {
			case "hnsw" -> new LuceneHnswIndex();
			case "exact" -> new ExactIndex();
			default -> throw new IllegalStateException("openimd.similar.index must be hnsw or exact, not " + theKind);
		};
	}

	@Bean
	SimilarCases similarCases(DaoRegistry theDaos, CareRelationships theCare, SimilarityIndex theIndex,
			@Value("${openimd.similar.threshold:}") String theThreshold, @Value("${openimd.similar.notify:physician}") String theRecipient) {
		SimilarityMethod method = SimilarityMethod.load();
		if (!theThreshold.isBlank()) {
			method = method.withThreshold(Double.parseDouble(theThreshold));
		}
		return new SimilarCases(theDaos, theCare, theIndex, method, SimilarCases.Recipient.valueOf(theRecipient.toUpperCase(Locale.ROOT)));
	}

	@Bean
	SimilarCasesProvider similarCasesProvider(SimilarCases theCases, DaoRegistry theDaos) {
		return new SimilarCasesProvider(theCases, theDaos);
	}

	@Bean
	SimilarCaseTriggers similarCaseTriggers(SimilarCases theCases, ExecutorService similarCasesWorker, IInterceptorService theInterceptors) {
		return CheckedWhenStored.registered(theInterceptors, new SimilarCaseTriggers(theCases, similarCasesWorker));
	}

	@EventListener(ApplicationReadyEvent.class)
	void rebuildIndex(ApplicationReadyEvent theEvent) {
		SimilarCases cases = theEvent.getApplicationContext().getBean(SimilarCases.class);
		theEvent.getApplicationContext().getBean("similarCasesWorker", ExecutorService.class).execute(cases::rebuild);
	}
}
