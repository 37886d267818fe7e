package org.openimd.server.similar;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.openimd.server.security.CareRelationships;
import org.openimd.terminology.IdcoTermTable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.task.ThreadPoolTaskSchedulerBuilder;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * Similar cases: the methods (data, in the terminology module), the indexes ({@code
 * openimd.similar.index}: {@code hnsw}, Lucene's graph, or {@code exact}), the thresholds ({@code
 * openimd.similar.threshold} for recordings, {@code openimd.similar.interrogation-threshold} for
 * interrogations, by default the methods'), who is told ({@code openimd.similar.notify}), and the
 * indexes built again in the background once the server is up.
 */
@Configuration(proxyBeanMethods = false)
class SimilarCasesConfig {

	/** Project decision: a diagnosis stored through another node is found within half a minute. */
	private static final String DEFAULT_CATCH_UP = "PT30S";

	/** One comparison at a time, in the background; on shutdown what has not started is dropped (the index is rebuilt at start). */
	@Bean
	ThreadPoolTaskExecutor similarCasesWorker() {
		ThreadPoolTaskExecutor worker = new ThreadPoolTaskExecutor();
		worker.setCorePoolSize(1);
		worker.setMaxPoolSize(1);
		worker.setThreadNamePrefix("openimd-similar-cases-");
		return worker;
	}

	@Bean(destroyMethod = "close")
	SimilarCases similarCases(DaoRegistry theDaos, CareRelationships theCare, @Value("${openimd.similar.index:hnsw}") String theIndex,
			@Value("${openimd.similar.threshold:}") String theWaveformThreshold,
			@Value("${openimd.similar.interrogation-threshold:}") String theInterrogationThreshold,
			@Value("${openimd.similar.notify:physician}") String theRecipient, IdcoTermTable theTerms, Clock theClock) {
		Function<SimilarityIndex.Metric, SimilarityIndex> indexes = switch (theIndex) {
			case "hnsw" -> LuceneHnswIndex::new;
			case "exact" -> ExactIndex::new;
			default -> throw new IllegalStateException("openimd.similar.index must be hnsw or exact, not " + theIndex);
		};
		SimilarityMethod waveforms = SimilarityMethod.load();
		InterrogationComparison interrogations = InterrogationComparison.load(theTerms);
		if (!theWaveformThreshold.isBlank()) {
			waveforms = waveforms.withThreshold(Double.parseDouble(theWaveformThreshold));
		}
		if (!theInterrogationThreshold.isBlank()) {
			interrogations = interrogations.withThreshold(Double.parseDouble(theInterrogationThreshold));
		}
		return new SimilarCases(theDaos, theCare, List.of(new WaveformComparison(waveforms), interrogations), indexes,
				SimilarCases.Recipient.valueOf(theRecipient.toUpperCase(Locale.ROOT)), theClock);
	}

	@Bean
	SimilarCasesProvider similarCasesProvider(SimilarCases theCases, DaoRegistry theDaos) {
		return new SimilarCasesProvider(theCases, theDaos);
	}

	@Bean
	SimilarCaseTriggers similarCaseTriggers(SimilarCases theCases, ThreadPoolTaskExecutor similarCasesWorker) {
		return new SimilarCaseTriggers(theCases, similarCasesWorker);
	}

	@Bean
	ThreadPoolTaskScheduler similarCasesCatchUpWatch(ThreadPoolTaskSchedulerBuilder theSchedulers) {
		return theSchedulers.threadNamePrefix("openimd-similar-catch-up-").build();
	}

	/**
	 * Once the server is up, the indexes are built again from the stored reports; from then on, every
	 * {@code openimd.similar.catch-up-every}, what other nodes of a cluster stored since is indexed too.
	 * Both on the comparisons' one worker, so that nothing is indexed twice at once.
	 */
	@Bean
	ApplicationListener<ApplicationReadyEvent> similarCasesIndexed(SimilarCases theCases, ThreadPoolTaskExecutor similarCasesWorker,
			ThreadPoolTaskScheduler similarCasesCatchUpWatch, @Value("${openimd.similar.catch-up-every:" + DEFAULT_CATCH_UP + "}") Duration theEvery,
			Clock theClock) {
		return ready -> {
			similarCasesWorker.execute(theCases::rebuild);
			similarCasesCatchUpWatch.scheduleWithFixedDelay(() -> similarCasesWorker.execute(theCases::catchUp), theClock.instant().plus(theEvery),
					theEvery);
		};
	}
}
