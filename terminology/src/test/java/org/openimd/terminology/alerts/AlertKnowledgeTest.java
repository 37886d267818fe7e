package org.openimd.terminology.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.openimd.terminology.IdcoTermTable;
import org.openimd.terminology.alerts.AlertKnowledge.Kind;
import org.openimd.terminology.alerts.AlertKnowledge.Priority;

class AlertKnowledgeTest {

	private final AlertKnowledge knowledge = AlertKnowledge.load();

	@Test
	void everyNumberHasItsSourceAndWhatNoSourceGivesHasNoDefault() {
		assertThat(knowledge.parameter("ALERT-LEAD-01", "low").orElseThrow().value()).contains(new BigDecimal("200"));
		assertThat(knowledge.parameter("ALERT-LEAD-01", "high").orElseThrow().value()).as("2000 or 3000 Ohm, per lead: the clinic's").isEmpty();
		assertThat(knowledge.parameter("ALERT-LEAD-03", "relative-change").orElseThrow().value()).isEmpty();
		assertThat(knowledge.parameter("ALERT-CAP-01", "above").orElseThrow().value()).contains(new BigDecimal("18"));
		assertThat(knowledge.rules()).allSatisfy(rule -> knowledge.parameters(rule.id()).stream().filter(parameter -> parameter.value().isPresent())
				.forEach(parameter -> assertThat(parameter.citation().sources()).as(parameter.toString()).isNotEmpty()));
	}

	@Test
	void everyIdcoTermARuleReadsIsInTheTermTable() {
		IdcoTermTable terms = IdcoTermTable.load();
		assertThat(knowledge.rules()).filteredOn(rule -> !rule.id().startsWith("ALERT-PUMP"))
				.allSatisfy(rule -> assertThat(rule.terms()).allSatisfy(code -> assertThat(terms.byCode(code)).as("%s reads %s", rule.id(), code).isPresent()));
	}

	@Test
	void prioritiesAndKindsAreRead() {
		AlertKnowledge.Rule shocks = knowledge.rule("ALERT-VT-03").orElseThrow();
		assertThat(shocks.kind()).isEqualTo(Kind.COUNT);
		assertThat(shocks.priority()).isEqualTo(Priority.YELLOW);
		assertThat(shocks.projectDecision()).isFalse();
		assertThat(knowledge.rule("ALERT-SESS-01").orElseThrow().projectDecision()).isTrue();
		assertThat(knowledge.values("ALERT-BATT-01")).extracting(AlertKnowledge.Value::value).contains("754115", "ERI");
		assertThat(knowledge.version()).isNotBlank();
	}

	@Test
	void monitoringPeriodsAreNinetyDaysForPacemakersAndIcdsAndThirtyForLoopRecordersWithTheirCptCodes() {
		assertThat(knowledge.monitoringPeriod("PM").orElseThrow()).satisfies(period -> {
			assertThat(period.days()).isEqualTo(90);
			assertThat(period.professional()).isEqualTo("93294");
			assertThat(period.technical()).contains("93296");
			assertThat(period.minimumDays()).contains(30);
			assertThat(period.citation().sources()).containsExactly("S39");
		});
		assertThat(knowledge.monitoringPeriod("CRT-D").orElseThrow().professional()).isEqualTo("93295");
		assertThat(knowledge.monitoringPeriod("ILR").orElseThrow()).satisfies(period -> {
			assertThat(period.days()).isEqualTo(30);
			assertThat(period.professional()).isEqualTo("93298");
			assertThat(period.technical()).as("G2066 reportedly deleted; no verified successor").isEmpty();
			assertThat(period.minimumDays()).isEmpty();
		});
		assertThat(knowledge.monitoringPeriod("synchromed-ii")).as("pumps are not billed by monitoring period").isEmpty();
	}

	@Test
	void schedulesFollowTheMinimumMonitoringFrequencyByDeviceKind() {
		assertThat(knowledge.schedule("PM").orElseThrow().months()).isEqualTo(12);
		assertThat(knowledge.schedule("ICD").orElseThrow().months()).isEqualTo(6);
		assertThat(knowledge.schedule("ILR").orElseThrow().months()).isEqualTo(6);
		assertThat(knowledge.schedule("battery-depletion").orElseThrow().months()).isEqualTo(3);
		assertThat(knowledge.schedule("PM").orElseThrow().citation().sources()).contains("S3");
	}
}
