package org.openimd.server.fhir;

import ca.uhn.fhir.batch2.jobs.export.BulkDataExportProvider;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.provider.IJpaSystemProvider;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.rest.server.HardcodedServerAddressStrategy;
import ca.uhn.fhir.rest.server.IncomingRequestAddressStrategy;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.interceptor.LoggingInterceptor;
import ca.uhn.fhir.rest.server.interceptor.ResponseHighlighterInterceptor;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import ca.uhn.fhir.storage.interceptor.balp.BalpAuditCaptureInterceptor;
import java.util.function.Supplier;
import org.openimd.server.advisories.AdvisoryProvider;
import org.openimd.server.advisories.PatientInformationProvider;
import org.openimd.server.analytics.AnalyticsProvider;
import org.openimd.server.audit.ExportFileDisclosures;
import org.openimd.server.deid.ManufacturerExportProvider;
import org.openimd.server.pump.PumpOperationsProvider;
import org.openimd.server.review.ReviewOperationsProvider;
import org.openimd.server.security.FhirApiGuards;
import org.openimd.server.similar.SimilarCasesProvider;
import org.openimd.server.alerts.MonitoringPeriodsProvider;
import org.openimd.server.subscriptions.SubscriptionCapability;
import org.openimd.server.subscriptions.SubscriptionOperationsProvider;
import org.openimd.server.waveform.WaveformOperationsProvider;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Serves the JPA server's resource providers as FHIR REST under {@code /fhir}.
 *
 * <p>When you add a provider or interceptor, register it here, in {@link #fhirRestfulServer}, so
 * that one list shows everything the FHIR API runs.
 */
@Configuration(proxyBeanMethods = false)
class FhirRestfulServerConfig {

	static final String FHIR_BASE_PATH = "/fhir";
	static final String SERVER_NAME = "OpenIMD";

	/**
	 * One line per FHIR request, under the request id the logging pattern also prints. Query strings
	 * are left out: FHIR searches carry names and record numbers, which do not belong in a log.
	 */
	private static final String REQUEST_LOG_FORMAT =
			"${requestVerb} ${requestUrl} ${operationType} ${idOrResourceName} -> ${processingTimeMillis} ms";

	private static final String REQUEST_ERROR_LOG_FORMAT =
			"${requestVerb} ${requestUrl} ${operationType} ${idOrResourceName} failed: ${exceptionMessage}";

	/**
	 * HAPI's RestfulServer, handed out by a Supplier rather than as a bean of its own: Spring Boot builds
	 * every Servlet bean while it creates the web server (to register it, and would map this one a second
	 * time), which would build the whole FHIR stack in that phase, before the bean factory caches its type
	 * lookups (see {@link DeferredServlet}).
	 */
	@Bean
	Supplier<RestfulServer> fhirRestfulServer(
			IFhirSystemDao<?, ?> theSystemDao,
			ResourceProviderFactory theResourceProviders,
			IJpaSystemProvider theSystemProvider,
			JpaStorageSettings theStorageSettings,
			ISearchParamRegistry theSearchParamRegistry,
			IValidationSupport theValidationSupport,
			DatabaseBackedPagingProvider thePagingProvider,
			FhirServerProperties theProperties,
			FhirApiGuards theGuards,
			PumpOperationsProvider thePumpOperations,
			ManufacturerExportProvider theManufacturerExport,
			WaveformOperationsProvider theWaveformOperations,
			ReviewOperationsProvider theReviewOperations,
			SimilarCasesProvider theSimilarCases,
			SubscriptionOperationsProvider theSubscriptionOperations,
			MonitoringPeriodsProvider theMonitoringPeriods,
			AnalyticsProvider theAnalytics,
			AdvisoryProvider theAdvisories,
			PatientInformationProvider thePatientInformation,
			SubscriptionCapability theSubscriptionCapability,
			BulkDataExportProvider theBulkExport,
			MatchUrlService theMatchUrls,
			BalpAuditCaptureInterceptor theAudit,
			ExportFileDisclosures theExportDisclosures,
			BuildProperties theBuild) {
		RestfulServer server = new RestfulServer(theSystemDao.getContext());
		server.setServerName(SERVER_NAME);
		server.setServerVersion(theBuild.getVersion());
		server.setImplementationDescription("OpenIMD FHIR R4 server for implantable medical device data");

		server.registerProviders(theResourceProviders.createProviders());
		server.registerProvider(theSystemProvider);
		server.registerProvider(thePumpOperations);
		server.registerProvider(theManufacturerExport);
		server.registerProvider(theWaveformOperations);
		server.registerProvider(theReviewOperations);
		server.registerProvider(theSimilarCases);
		server.registerProvider(theSubscriptionOperations);
		server.registerProvider(theMonitoringPeriods);
		server.registerProvider(theAnalytics);
		server.registerProvider(theAdvisories);
		server.registerProvider(thePatientInformation);
		// HAPI's Bulk Data Access ($export), run as its batch job; who may export what is the gate's.
		server.registerProvider(theBulkExport);
		server.setServerConformanceProvider(new JpaCapabilityStatementProvider(
				server, theSystemDao, theStorageSettings, theSearchParamRegistry, theValidationSupport));

		thePagingProvider.setDefaultPageSize(theProperties.defaultPageSize());
		thePagingProvider.setMaximumPageSize(theProperties.maxPageSize());
		server.setPagingProvider(thePagingProvider);
		server.setServerAddressStrategy(
				theProperties.publicBaseUrl().isBlank()
						? new IncomingRequestAddressStrategy()
						: new HardcodedServerAddressStrategy(theProperties.publicBaseUrl()));

		// The request log records each refusal in a line; HAPI's own stack traces of them would bury real faults.
		RoutineRefusals.install();
		server.registerInterceptor(requestLog());
		server.registerInterceptor(new RequestSizeLimits(theProperties.maxRequestBytes(), theProperties.maxBundleEntries()));
		server.registerInterceptor(new BulkExportFilters(theMatchUrls));
		theGuards.interceptors().forEach(server::registerInterceptor);
		server.registerInterceptor(theAudit);
		server.registerInterceptor(theExportDisclosures);
		server.registerInterceptor(theSubscriptionCapability);
		// Browsers get readable, syntax-highlighted resources; API clients are unaffected.
		server.registerInterceptor(new ResponseHighlighterInterceptor());
		return () -> server;
	}

	private static LoggingInterceptor requestLog() {
		LoggingInterceptor requestLog = new LoggingInterceptor();
		requestLog.setLoggerName("openimd.fhir.requests");
		requestLog.setMessageFormat(REQUEST_LOG_FORMAT);
		requestLog.setErrorMessageFormat(REQUEST_ERROR_LOG_FORMAT);
		requestLog.setLogExceptions(true);
		return requestLog;
	}

	@Bean
	ServletRegistrationBean<DeferredServlet> fhirServlet(ObjectProvider<Supplier<RestfulServer>> theServer) {
		ServletRegistrationBean<DeferredServlet> registration =
				new ServletRegistrationBean<>(new DeferredServlet(() -> theServer.getObject().get()), FHIR_BASE_PATH + "/*");
		registration.setName("fhir");
		// Initialise at start-up, not on the first request, so that "ready" means ready.
		registration.setLoadOnStartup(1);
		return registration;
	}
}
