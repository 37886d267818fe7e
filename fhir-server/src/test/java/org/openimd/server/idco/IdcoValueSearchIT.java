package org.openimd.server.idco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.openimd.mappers.idco.IdcoFixtures.IHE_BIOTRONIK_CRTD;
import static org.openimd.mappers.idco.IdcoFixtures.text;
import static org.openimd.mappers.idco.IdcoFixtures.withControlId;

import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.junit.jupiter.api.Test;
import org.openimd.mappers.idco.IdcoMessageGenerator;
import org.openimd.server.BaseServerIT;
import org.openimd.terminology.IdcoTermTable;
import org.openimd.terminology.Mdc;
import org.openimd.terminology.OpenImdUris;

class IdcoValueSearchIT extends BaseServerIT {

	private static final String RV_IMPEDANCE = "722433";
	private static final String BATTERY_VOLTAGE = "721344";
	private static final String BATTERY_STATUS = "721280";

	@Test
	void codeAndValueMustMatchOnTheSameComponent() throws Exception {
		// The IHE example reads RV impedance 3000 Ohm and RA impedance 500 Ohm, battery 6.3 V.
		String patient = ingestIheExample();

		assertThat(idcoObservationsOf(patient, RV_IMPEDANCE + "$gt2000")).hasSize(1);
		assertThat(idcoObservationsOf(patient, RV_IMPEDANCE + "$lt1000")).as("500 Ohm is the RA lead's").isEmpty();
		assertThat(idcoObservationsOf(patient, RV_IMPEDANCE + "$gt5000")).isEmpty();
		assertThat(idcoObservationsOf(patient, Mdc.SYSTEM + "|" + RV_IMPEDANCE + "$3000")).hasSize(1);
		assertThat(idcoObservationsOf(patient, RV_IMPEDANCE + "$eq3000|" + OpenImdUris.UCUM + "|Ohm")).hasSize(1);
		assertThat(idcoObservationsOf(patient, RV_IMPEDANCE + "$3000||V")).isEmpty();
		assertThat(idcoObservationsOf(patient, RV_IMPEDANCE + "$ne3000")).isEmpty();
		assertThat(idcoObservationsOf(patient, BATTERY_VOLTAGE + "$ap6")).as("6.3 is within 10% of 6").hasSize(1);
		assertThat(idcoObservationsOf(patient, BATTERY_STATUS + "$MOS")).hasSize(1);
		assertThat(idcoObservationsOf(patient, BATTERY_STATUS + "$RRT")).isEmpty();
	}

	@Test
	void anUpdatedObservationIsFoundByItsNewValuesOnly() throws Exception {
		String patient = ingestIheExample();
		Observation idco = client.read().resource(Observation.class).withId(single(client.search()
				.byUrl("Observation?subject=Patient/" + patient + "&code=" + OpenImdUris.CARDX_CIED_CODE_SYSTEM + "|" + OpenImdUris.CARDX_IDCO)
				.returnBundle(Bundle.class).execute(), Observation.class).getIdElement().toUnqualifiedVersionless()).execute();
		idco.getComponent().stream()
				.filter(component -> component.getCode().getCodingFirstRep().getCode().equals(RV_IMPEDANCE))
				.forEach(component -> ((Quantity) component.getValue()).setValue(150));

		client.update().resource(idco).execute();

		assertThat(idcoObservationsOf(patient, RV_IMPEDANCE + "$gt2000")).isEmpty();
		assertThat(idcoObservationsOf(patient, RV_IMPEDANCE + "$lt200")).hasSize(1);
	}

	@Test
	void repeatedParametersAreAndCommaSeparatedValuesAreOr() throws Exception {
		String patient = ingestIheExample();

		assertThat(idcoObservationsOf(patient, RV_IMPEDANCE + "$gt2000", BATTERY_VOLTAGE + "$lt6")).isEmpty();
		assertThat(idcoObservationsOf(patient, RV_IMPEDANCE + "$gt2000", BATTERY_VOLTAGE + "$gt6")).hasSize(1);
		assertThat(idcoObservationsOf(patient, RV_IMPEDANCE + "$lt1000," + BATTERY_VOLTAGE + "$gt6")).hasSize(1);
	}

	@Test
	void thresholdAcrossPatientsFindsExactlyTheInterrogationsBeyondIt() throws Exception {
		String prefix = "V" + UUID.randomUUID().toString().substring(0, 6);
		IdcoMessageGenerator generator = new IdcoMessageGenerator(IdcoTermTable.load(), prefix);
		// Patients 1, 2 and 5, 6 have an RV lead (ICD, CRT-D); 2 sessions each.
		List<Integer> patients = List.of(1, 2, 5, 6);
		Set<String> ours = new HashSet<>();
		for (int patient : patients) {
			for (int session = 0; session < 2; session++) {
				assertThat(postHl7v2(generator.interrogation(patient, session))).contains("MSA|AA|");
			}
		}
		for (int patient : patients) {
			String patientId = single(client.search().forResource(Patient.class)
					.where(Patient.IDENTIFIER.exactly().code("MRN" + prefix + patient))
					.returnBundle(Bundle.class).execute(), Patient.class).getIdPart();
			idcoObservationsOf(patientId).forEach(observation -> ours.add(observation.getIdPart()));
		}
		assertThat(ours).hasSize(patients.size() * 2);
		BigDecimal threshold = BigDecimal.valueOf(700);
		Set<String> expected = ours.stream()
				.filter(id -> rvImpedance(client.read().resource(Observation.class).withId(id).execute()).compareTo(threshold) > 0)
				.collect(Collectors.toSet());

		List<Observation> found = search(RV_IMPEDANCE + "$gt" + threshold);

		assertThat(found).allSatisfy(observation -> assertThat(rvImpedance(observation)).isGreaterThan(threshold));
		assertThat(found.stream().map(Observation::getIdPart).filter(ours::contains)).containsExactlyInAnyOrderElementsOf(expected);

		// One page loaded at once, as the web app asks: that many of the same matches.
		List<Observation> firstPage = client.search().byUrl("Observation?_count=3&idco-value=" + encode(RV_IMPEDANCE + "$gt" + threshold))
				.cacheControl(new CacheControlDirective().setNoStore(true).setMaxResults(3)).returnBundle(Bundle.class).execute()
				.getEntry().stream().map(entry -> (Observation) entry.getResource()).toList();
		assertThat(firstPage).hasSize(Math.min(3, found.size()))
				.allSatisfy(observation -> assertThat(rvImpedance(observation)).isGreaterThan(threshold));
		assertThat(found.stream().map(Observation::getIdPart)).containsAll(firstPage.stream().map(Observation::getIdPart).toList());
	}

	@Test
	void malformedValueIsABadRequestThatSaysHowToWriteIt() {
		assertThatThrownBy(() -> search(RV_IMPEDANCE + "gt2000"))
				.isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(
						((OperationOutcome) e.getOperationOutcome()).getIssueFirstRep().getDiagnostics()).contains("[system|]code$"));
		assertThatThrownBy(() -> search(RV_IMPEDANCE + "$gt2000|Ohm")).isInstanceOf(InvalidRequestException.class);
	}

	/** Ingests the IHE example (again: a resend updates the same interrogation) and returns its patient's id. */
	private String ingestIheExample() throws Exception {
		String controlId = "IT-" + UUID.randomUUID().toString().substring(0, 18);
		assertThat(postHl7v2(withControlId(text(IHE_BIOTRONIK_CRTD), controlId))).contains("MSA|AA|" + controlId);
		return single(client.search().forResource(Patient.class)
				.where(Patient.IDENTIFIER.exactly().code("1234123412341"))
				.returnBundle(Bundle.class).execute(), Patient.class).getIdPart();
	}

	private List<IdType> idcoObservationsOf(String thePatientId, String... theIdcoValues) {
		String query = "Observation?subject=Patient/" + thePatientId + "&code=" + OpenImdUris.CARDX_CIED_CODE_SYSTEM + "|" + OpenImdUris.CARDX_IDCO
				+ IntStream.range(0, theIdcoValues.length).mapToObj(i -> "&idco-value=" + encode(theIdcoValues[i])).collect(Collectors.joining());
		return client.search().byUrl(query).returnBundle(Bundle.class).execute().getEntry().stream()
				.map(entry -> entry.getResource().getIdElement().toUnqualifiedVersionless())
				.map(id -> new IdType(id.getValue()))
				.toList();
	}

	private List<Observation> search(String theIdcoValue) {
		Bundle page = client.search().byUrl("Observation?_count=200&idco-value=" + encode(theIdcoValue)).returnBundle(Bundle.class).execute();
		List<Observation> found = new ArrayList<>();
		while (true) {
			page.getEntry().stream().map(BundleEntryComponent::getResource).map(Observation.class::cast).forEach(found::add);
			if (page.getLink(Bundle.LINK_NEXT) == null) {
				return found;
			}
			page = client.loadPage().next(page).execute();
		}
	}

	private static BigDecimal rvImpedance(Observation theObservation) {
		return theObservation.getComponent().stream()
				.filter(component -> component.getCode().getCoding().stream().anyMatch(coding -> RV_IMPEDANCE.equals(coding.getCode())))
				.map(component -> ((Quantity) component.getValue()).getValue())
				.findFirst().orElse(BigDecimal.valueOf(Long.MIN_VALUE));
	}

	private static String encode(String theValue) {
		return URLEncoder.encode(theValue, StandardCharsets.UTF_8);
	}
}
