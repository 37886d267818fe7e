package org.openimd.server.fhir;

import ca.uhn.fhir.batch2.api.IJobPersistence;
import ca.uhn.fhir.batch2.jobs.config.Batch2JobsConfig;
import ca.uhn.fhir.batch2.maintenance.JobMaintenanceServiceImpl;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.config.ThreadPoolFactoryConfig;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.batch2.JpaBatch2Config;
import ca.uhn.fhir.jpa.config.HapiJpaConfig;
import ca.uhn.fhir.jpa.config.r4.JpaR4Config;
import ca.uhn.fhir.jpa.config.util.HapiEntityManagerFactoryUtil;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.config.SubscriptionSettings;
import ca.uhn.fhir.jpa.subscription.channel.config.SubscriptionChannelConfig;
import ca.uhn.fhir.jpa.subscription.match.deliver.email.IEmailSender;
import ca.uhn.fhir.jpa.subscription.match.config.SubscriptionProcessorConfig;
import ca.uhn.fhir.jpa.subscription.submit.config.SubscriptionSubmitterConfig;
import ca.uhn.fhir.jpa.topic.SubscriptionTopicConfig;
import org.hl7.fhir.dstu2.model.Subscription.SubscriptionChannelType;
import jakarta.persistence.EntityManagerFactory;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.Binary;
import org.openimd.server.ClusterJob;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.boot.autoconfigure.orm.jpa.JpaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;
import org.springframework.orm.jpa.SharedEntityManagerCreator;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Switches on HAPI FHIR's JPA server for FHIR R4 and provides the beans HAPI expects its host to
 * define: storage, partition and subscription settings, the entity manager factory and the
 * transaction manager.
 */
@Configuration(proxyBeanMethods = false)
@Import({
	JpaR4Config.class,
	HapiJpaConfig.class,
	JpaBatch2Config.class,
	Batch2JobsConfig.class,
	ThreadPoolFactoryConfig.class,
	SubscriptionChannelConfig.class,
	SubscriptionSubmitterConfig.class,
	SubscriptionProcessorConfig.class,
	SubscriptionTopicConfig.class
})
class FhirJpaConfig {

	private static final long BATCH_MAINTENANCE_INTERVAL_MILLIS = 2_000;

	@Bean
	static ServedResourceTypes servedResourceTypes(Environment theEnvironment) {
		return new ServedResourceTypes(theEnvironment);
	}

	@Bean
	JpaStorageSettings storageSettings(List<ReferencePaths> theDeclared) {
		JpaStorageSettings settings = new JpaStorageSettings();
		settings.setEnforceReferentialIntegrityOnDeleteDisableForPaths(
				with(settings.getEnforceReferentialIntegrityOnDeleteDisableForPaths(), theDeclared, ReferencePaths.Rule.DO_NOT_BLOCK_DELETES));
		// A clinician who has just received an interrogation must find it: never answer a search
		// from a cached result set computed before the latest write.
		settings.setReuseCachedSearchResultsForMillis(null);
		settings.setAllowExternalReferences(false);
		settings.setAutoCreatePlaceholderReferenceTargets(false);
		// Each Bulk Data export is made afresh: a reused earlier job's files would leave out what came since.
		settings.setEnableBulkExportJobReuse(false);
		settings.setBulkExportFileRetentionPeriodHours(ExpiredExportFiles.HAPI_RETENTION_HOURS);
		return settings;
	}

	@Bean
	ExpiredExportFiles expiredExportFiles(IJobPersistence theJobs, DaoRegistry theDaos, PlatformTransactionManager theTransactions, Clock theClock) {
		return new ExpiredExportFiles(theJobs, theDaos.getResourceDao(Binary.class), new TransactionTemplate(theTransactions), theClock);
	}

	@Bean
	ClusterJob expiredExportFilesPurging(ExpiredExportFiles theFiles) {
		return new ClusterJob("expired-export-files", ExpiredExportFiles.PURGED_EVERY, theFiles::purge);
	}

	@Bean
	static BeanDefinitionRegistryPostProcessor scopedSubscriptionMatcher() {
		return ScopedSubscriptionMatcher.inPlaceOfHapis();
	}

	/**
	 * Every feature's {@link StorageInterceptor}, registered with HAPI's storage once all are made: before
	 * the first write, which comes from the application runners (guide, code systems, demo data) or a request.
	 */
	@Bean
	SmartInitializingSingleton storageInterceptorsRegistered(IInterceptorService theStorage, List<StorageInterceptor> theInterceptors) {
		return () -> theInterceptors.forEach(theStorage::registerInterceptor);
	}

	/** Once every feature has declared its {@link ReferencePaths}: HAPI's parsers keep the versions they name. */
	@Bean
	SmartInitializingSingleton referenceVersionsKept(FhirContext theFhir, List<ReferencePaths> theDeclared) {
		return () -> theFhir.getParserOptions().setDontStripVersionsFromReferencesAtPaths(
				with(theFhir.getParserOptions().getDontStripVersionsFromReferencesAtPaths(), theDeclared, ReferencePaths.Rule.KEEP_VERSION));
	}

	/**
	 * HAPI's batch jobs (a Bulk Data export, a reindex) move from one step to the next at a maintenance
	 * pass, once a minute by default: a small export would take minutes. A pass reads a few rows of the
	 * job tables; every few seconds costs little. Set before HAPI's scheduler starts, at context refresh.
	 */
	@Bean
	SmartInitializingSingleton batchJobsMoveOnPromptly(JobMaintenanceServiceImpl theMaintenance) {
		return () -> theMaintenance.setScheduledJobFrequencyMillis(BATCH_MAINTENANCE_INTERVAL_MILLIS);
	}

	private static Set<String> with(Set<String> theDefaults, List<ReferencePaths> theDeclared, ReferencePaths.Rule theRule) {
		Set<String> paths = new HashSet<>(theDefaults);
		theDeclared.stream().filter(declared -> declared.rule() == theRule).forEach(declared -> paths.addAll(declared.paths()));
		return paths;
	}

	@Bean
	PartitionSettings partitionSettings() {
		return new PartitionSettings();
	}

	@Bean
	SubscriptionSettings subscriptionSettings() {
		SubscriptionSettings settings = new SubscriptionSettings();
		// Topic-based subscriptions (R4 Subscriptions Backport) deliver by rest-hook or over a websocket.
		settings.addSupportedSubscriptionType(SubscriptionChannelType.RESTHOOK);
		settings.addSupportedSubscriptionType(SubscriptionChannelType.WEBSOCKET);
		// HAPI keeps each change for subscriptions in the database and takes them up every 5 s by default; an
		// alert should reach its subscriber within a second of the ACK (project decision: poll every 250 ms).
		settings.setSubscriptionIntervalInMs(250);
		return settings;
	}

	/**
	 * HAPI's subscription delivery wants an e-mail sender even where e-mail is no channel: notifications
	 * carry patient data, and OpenIMD offers only rest-hook and websocket (see the settings above).
	 */
	@Bean
	IEmailSender noEmailChannel() {
		return details -> {
			throw new UnsupportedOperationException("OpenIMD delivers no subscription by e-mail");
		};
	}

	@Bean
	HapiSchema hapiSchema(DataSource theDataSource, DataSourceProperties theDataSourceProperties) throws SQLException {
		return new HapiSchema(theDataSource, theDataSourceProperties.determineUrl());
	}

	/** Hibernate opens HAPI's tables once HAPI's migration tasks have brought them to this version. */
	@Primary
	@Bean
	LocalContainerEntityManagerFactoryBean entityManagerFactory(
			HapiSchema theMigratedSchema,
			ConfigurableListableBeanFactory theBeanFactory,
			FhirContext theFhirContext,
			JpaStorageSettings theStorageSettings,
			DataSource theDataSource,
			DataSourceProperties theDataSourceProperties,
			JpaProperties theJpaProperties) {
		LocalContainerEntityManagerFactoryBean factory =
				HapiEntityManagerFactoryUtil.newEntityManagerFactory(theBeanFactory, theFhirContext, theStorageSettings);
		factory.setPersistenceUnitName("HAPI_PU");
		factory.setDataSource(theDataSource);
		factory.setJpaProperties(hibernateProperties(theDataSourceProperties.determineUrl(), theJpaProperties));
		// Hibernate's start (2 to 3 s of one core) runs beside the beans that do not need it, such as HAPI's
		// search parameter extractor parsing the FHIR core definitions; whatever uses the factory waits for it.
		factory.setBootstrapExecutor(new SimpleAsyncTaskExecutor("jpa-bootstrap-"));
		return factory;
	}

	/**
	 * HAPI's defaults for Hibernate; anything under {@code spring.jpa.properties} overrides them, so an
	 * operator can tune Hibernate without a code change.
	 */
	private static Properties hibernateProperties(String theJdbcUrl, JpaProperties theJpaProperties) {
		Properties properties = new Properties();
		properties.put("hibernate.dialect", HapiDialects.forJdbcUrl(theJdbcUrl));
		// HAPI's migration tasks keep the schema (HapiSchema); Hibernate only uses it.
		properties.put("hibernate.hbm2ddl.auto", "none");
		properties.put("hibernate.jdbc.batch_size", "20");
		properties.put("hibernate.order_inserts", "true");
		properties.put("hibernate.order_updates", "true");
		properties.put("hibernate.cache.use_query_cache", "false");
		properties.put("hibernate.cache.use_second_level_cache", "false");
		properties.put("hibernate.cache.use_structured_entries", "false");
		properties.put("hibernate.cache.use_minimal_puts", "false");
		properties.put("hibernate.search.enabled", "false");
		// At start Hibernate makes a global temporary table for each entity spread over several tables. For
		// HAPI's four (search includes, MDM links, package versions and their resources) its DDL names a
		// column twice, so the database refuses every one and H2 writes each refusal to its trace file.
		// The tables can never exist; not attempting them loses nothing.
		properties.put("hibernate.query.mutation_strategy.global_temporary.create_tables", "false");
		properties.put("hibernate.query.mutation_strategy.global_temporary.drop_tables", "false");
		properties.putAll(theJpaProperties.getProperties());
		return properties;
	}

	@Bean
	InOrderTransactions inOrderTransactions(DaoRegistry theDaos, PlatformTransactionManager theTransactions, EntityManagerFactory theEntityManagers,
			Clock theClock) {
		return new DaoTransactions(theDaos, new TransactionTemplate(theTransactions),
				SharedEntityManagerCreator.createSharedEntityManager(theEntityManagers), theClock);
	}

	@Primary
	@Bean
	JpaTransactionManager transactionManager(EntityManagerFactory theEntityManagerFactory) {
		return new JpaTransactionManager(theEntityManagerFactory);
	}
}
