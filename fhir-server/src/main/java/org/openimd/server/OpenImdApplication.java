package org.openimd.server;

import java.time.Clock;
import java.util.Arrays;
import org.openimd.server.demo.DemoTokenCommand;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.elasticsearch.ElasticsearchRestClientAutoConfiguration;
import org.springframework.boot.autoconfigure.quartz.QuartzAutoConfiguration;
import org.springframework.boot.autoconfigure.security.oauth2.server.servlet.OAuth2AuthorizationServerAutoConfiguration;
import org.springframework.boot.autoconfigure.security.oauth2.server.servlet.OAuth2AuthorizationServerJwtAutoConfiguration;
import org.springframework.boot.autoconfigure.security.servlet.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.autoconfigure.thymeleaf.ThymeleafAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.task.ThreadPoolTaskSchedulerBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * OpenIMD: a FHIR R4 server for implantable medical device data.
 *
 * <p>Elasticsearch's client arrives with Hibernate Search, which HAPI ships but we do not use: without
 * the exclusion Boot would connect to localhost:9200 and report the server down. HAPI runs its own
 * Quartz schedulers, so Boot's would be a second, idle one. Thymeleaf comes with HAPI's narrative
 * generator; we render no server-side templates. Boot's generated in-memory user would be a login
 * that bypasses OpenIMD's own accounts. OpenIMD configures its authorization server itself, and none
 * when an external identity provider issues the tokens: Boot's would add a signing key and settings.
 */
@SpringBootApplication(
		exclude = {
			ElasticsearchRestClientAutoConfiguration.class,
			QuartzAutoConfiguration.class,
			ThymeleafAutoConfiguration.class,
			UserDetailsServiceAutoConfiguration.class,
			OAuth2AuthorizationServerAutoConfiguration.class,
			OAuth2AuthorizationServerJwtAutoConfiguration.class
		})
@ConfigurationPropertiesScan
public class OpenImdApplication {

	/** The time everything new takes: one clock, so that a test can set it. */
	@Bean
	Clock clock() {
		return Clock.systemDefaultZone();
	}

	/** A thread per job: a long run (a purge of export files may take half an hour) holds up no other job. */
	@Bean
	ThreadPoolTaskScheduler clusterJobsWatch(ThreadPoolTaskSchedulerBuilder theSchedulers, ObjectProvider<ClusterJob> theJobs) {
		return theSchedulers.poolSize((int) Math.max(1, theJobs.stream().count())).threadNamePrefix("openimd-cluster-jobs-").build();
	}

	/** Every {@link ClusterJob} the features declare, each run by one node of a cluster a period. */
	@Bean
	ClusterJobs clusterJobs(JdbcTemplate theJdbc, Clock theClock, ThreadPoolTaskScheduler clusterJobsWatch, ObjectProvider<ClusterJob> theJobs) {
		ClusterJobs jobs = new ClusterJobs(theJdbc, theClock);
		theJobs.orderedStream().forEach(job -> jobs.schedule(clusterJobsWatch, job));
		return jobs;
	}

	/** Starts the server; {@code token …} instead prints a demo access token (see {@link DemoTokenCommand}) and exits. */
	public static void main(String[] args) {
		if (args.length > 0 && args[0].equals(DemoTokenCommand.NAME)) {
			System.exit(DemoTokenCommand.run(Arrays.asList(args).subList(1, args.length), System.out, System.err));
		}
		SpringApplication.run(OpenImdApplication.class, args);
	}
}
