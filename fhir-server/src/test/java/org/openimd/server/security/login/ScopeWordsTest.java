package org.openimd.server.security.login;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ScopeWordsTest {

	@Test
	void resourceScopesSayWhatTheAppMayDoToWhoseRecords() {
		assertThat(ScopeWords.of("patient/*.rs")).contains("See and search every kind of record of the patient it works on");
		assertThat(ScopeWords.of("user/Observation.cruds")).contains("See and search, add, change and delete measurements and recordings that you may see");
		assertThat(ScopeWords.of("system/Device.read")).contains("See and search implanted devices and leads of every patient");
		assertThat(ScopeWords.of("user/Encounter.r")).contains("See Encounter records that you may see");
		assertThat(ScopeWords.of("patient/Observation.rs?category=laboratory")).hasValueSatisfying(words -> assertThat(words)
				.endsWith("(only those matching category=laboratory)"));
	}

	@Test
	void otherScopesSayWhatTheyMeanAndUnknownOnesStayAsTheyAre() {
		assertThat(ScopeWords.of("launch/patient")).hasValueSatisfying(words -> assertThat(words).startsWith("Work on one patient"));
		assertThat(ScopeWords.of("offline_access")).hasValueSatisfying(words -> assertThat(words).contains("after you close it"));
		assertThat(ScopeWords.of("openimd.admin")).hasValueSatisfying(words -> assertThat(words).startsWith("Administer accounts"));
		assertThat(ScopeWords.of("something/else")).isEmpty();
	}
}
