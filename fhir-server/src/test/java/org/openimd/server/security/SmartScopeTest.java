package org.openimd.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SmartScopeTest {

	@Test
	void v1ScopesMeanTheirV2Letters() {
		assertThat(SmartScope.parse("system/Device.read")).contains(new SmartScope("system", "Device", "rs", Optional.empty()));
		assertThat(SmartScope.parse("patient/*.write")).contains(new SmartScope("patient", "*", "cud", Optional.empty()));
		assertThat(SmartScope.parse("user/Observation.*")).contains(new SmartScope("user", "Observation", "cruds", Optional.empty()));
	}

	@Test
	void v2ScopesKeepTheirFilter() {
		assertThat(SmartScope.parse("patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|vital-signs"))
				.get().satisfies(scope -> {
					assertThat(scope.interactions()).isEqualTo("rs");
					assertThat(scope.filter()).contains("category=http://terminology.hl7.org/CodeSystem/observation-category|vital-signs");
				});
	}

	@Test
	void aFilterIsReadAsSearchParametersWithEscapesDecoded() {
		assertThat(SmartScope.parse("patient/Observation.rs?category=http://loinc.org%7Cx&status=final").get().filterParameters())
				.containsExactly(Map.entry("category", "http://loinc.org|x"), Map.entry("status", "final"));
		assertThat(SmartScope.parse("patient/Observation.rs?date=ge2026-01-01T00:00:00+01:00").get().filterParameters())
				.containsExactly(Map.entry("date", "ge2026-01-01T00:00:00+01:00"));
		assertThat(SmartScope.parse("patient/Observation.rs?category")).as("no value").isEmpty();
		assertThat(SmartScope.parse("patient/Observation.rs?category=a&&status=b")).as("an empty parameter").isEmpty();
	}

	@Test
	void malformedOrForeignScopesAreNotResourceScopes() {
		assertThat(SmartScope.parse("system/Device.dus")).as("letters out of order").isEmpty();
		assertThat(SmartScope.parse("system/Device.x")).isEmpty();
		assertThat(SmartScope.parse("openid")).isEmpty();
		assertThat(SmartScope.parse("openimd.ingest")).isEmpty();
		assertThat(SmartScope.parse("system/device.rs")).as("not a resource type").isEmpty();
	}

	@Test
	void aRegistrationCoversNarrowerRequestsOnly() {
		Set<String> registered = Set.of("system/*.rs", "system/MedicationRequest.cruds", "openimd.ingest");

		assertThat(SmartScopeValidator.covered("system/Device.r", registered)).isTrue();
		assertThat(SmartScopeValidator.covered("system/Device.read", registered)).isTrue();
		assertThat(SmartScopeValidator.covered("system/*.s", registered)).isTrue();
		assertThat(SmartScopeValidator.covered("system/Observation.rs?category=laboratory", registered)).isTrue();
		assertThat(SmartScopeValidator.covered("system/MedicationRequest.cu", registered)).isTrue();
		assertThat(SmartScopeValidator.covered("openimd.ingest", registered)).isTrue();

		assertThat(SmartScopeValidator.covered("system/Device.c", registered)).as("an interaction beyond").isFalse();
		assertThat(SmartScopeValidator.covered("system/*.cruds", registered)).as("wider").isFalse();
		assertThat(SmartScopeValidator.covered("patient/Device.rs", registered)).as("another context").isFalse();
		assertThat(SmartScopeValidator.covered("openimd.ingest-admin", registered)).isFalse();
		assertThat(SmartScopeValidator.covered("system/Observation.rs", Set.of("system/Observation.rs?category=laboratory")))
				.as("dropping the registration's filter").isFalse();
	}
}
