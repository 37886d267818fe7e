package org.openimd.server.ingest;

import ca.uhn.fhir.context.FhirContext;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.openimd.ig.OpenImdIg;
import org.openimd.ig.ShapeCheckedValidator;
import org.openimd.mappers.idco.IdcoOruMapper;
import org.openimd.server.audit.AuditTrail;
import org.openimd.server.fhir.InOrderTransactions;
import org.openimd.terminology.IdcoTermTable;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/** Switches on HL7 v2 ingest: the raw-message store, the IDCO pipeline, and its MLLP listener. */
@Configuration(proxyBeanMethods = false)
class IngestConfig {

	/**
	 * A project decision: enough for every IDCO term in several value forms (the public full CRT-D
	 * interrogation has under 300 shapes), at about 100 bytes each.
	 */
	private static final int CONFORMANT_SHAPES_KEPT = 50_000;

	@Bean
	IngestMessageStore ingestMessageStore(JdbcTemplate theJdbc) {
		return new IngestMessageStore(theJdbc);
	}

	@Bean
	ApplicationAckSender applicationAckSender(IngestProperties theProperties, IngestMessageStore theStore, Clock theClock) {
		return new ApplicationAckSender(theProperties, theStore, theClock);
	}

	@Bean
	IngestSvc ingestSvc(IngestMessageStore theStore, FhirContext theFhir, InOrderTransactions theTransactions, IngestProperties theProperties,
			ApplicationAckSender theApplicationAcks, AuditTrail theAudit, IdcoTermTable theTerms, MeterRegistry theMeters, Clock theClock) {
		return new IngestSvc(theStore, new IdcoOruMapper(theTerms, theProperties.senderTimeZone()),
				new ShapeCheckedValidator(OpenImdIg.newValidator(theFhir, theTerms), CONFORMANT_SHAPES_KEPT), theTransactions,
				theApplicationAcks, theAudit, theMeters, theClock);
	}

	@Bean
	@ConditionalOnProperty(name = "openimd.mllp.enabled", havingValue = "true", matchIfMissing = true)
	MllpServer mllpServer(MllpProperties theProperties, IngestSvc theIngest, SslBundles theSslBundles, MeterRegistry theMeters) {
		return new MllpServer(theProperties, (message, sender) -> theIngest.receive(message, IngestTransport.MLLP, sender).ack(),
				MllpSockets.listenerFactory(theProperties, theSslBundles), theMeters);
	}
}
