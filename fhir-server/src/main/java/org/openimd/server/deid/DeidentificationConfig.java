package org.openimd.server.deid;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import org.openimd.server.OwnerOnlyFile;
import org.openimd.server.RandomSecret;
import org.openimd.server.audit.AuditTrail;
import org.openimd.server.security.CareRelationships;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * De-identification with the Safe Harbor profile, its pseudonyms keyed by a secret of this server:
 * {@code openimd.deid.hmac-key} (base64, at least 32 bytes) when set, else one made on first start
 * and kept, owner-only, in {@code openimd.data-dir/deid/hmac.key}. The same key must stay: a new key
 * gives every resource new pseudonyms, and exports before and after no longer link up.
 */
@Configuration(proxyBeanMethods = false)
class DeidentificationConfig {

	private static final int KEY_BYTES = 32;

	@Bean
	Deidentifier safeHarbor(FhirContext theFhir, @Value("${openimd.deid.hmac-key:}") String theConfiguredKey,
			@Value("${openimd.data-dir}") Path theDataDirectory, Clock theClock) {
		return new Deidentifier(theFhir, DeidentificationProfile.safeHarbor(), key(theConfiguredKey, theDataDirectory.resolve("deid/hmac.key")),
				theClock);
	}

	@Bean
	ManufacturersDevices manufacturersDevices(DaoRegistry theDaos, IntrathecalKnowledge theKnowledge) {
		return new DevicesByManufacturerName(theDaos, theKnowledge);
	}

	@Bean
	ManufacturerExportProvider manufacturerExportProvider(Deidentifier theDeidentifier, DaoRegistry theDaos, ManufacturersDevices theDevices,
			AuditTrail theAudit, CareRelationships theCare, Clock theClock) {
		return new ManufacturerExportProvider(theDeidentifier, theDaos, theDevices, theAudit, theCare, theClock);
	}

	@Bean
	DeidentifiedBulkExport deidentifiedBulkExport(Deidentifier theDeidentifier) {
		return new DeidentifiedBulkExport(theDeidentifier);
	}

	private static byte[] key(String theConfigured, Path theFile) {
		try {
			String encoded = theConfigured.isBlank() ? stored(theFile) : theConfigured.strip();
			byte[] key = Base64.getUrlDecoder().decode(encoded.replace('+', '-').replace('/', '_').replace("=", ""));
			if (key.length < KEY_BYTES) {
				throw new IllegalStateException("the de-identification key must have at least " + KEY_BYTES + " bytes");
			}
			return key;
		} catch (IOException e) {
			throw new UncheckedIOException("cannot read or make the de-identification key " + theFile, e);
		}
	}

	private static String stored(Path theFile) throws IOException {
		if (!Files.exists(theFile)) {
			Files.createDirectories(theFile.getParent());
			OwnerOnlyFile.write(theFile, RandomSecret.urlSafe(KEY_BYTES));
		}
		return OwnerOnlyFile.read(theFile);
	}
}
