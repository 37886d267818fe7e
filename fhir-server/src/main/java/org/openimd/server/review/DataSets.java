package org.openimd.server.review;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.openimd.server.security.CallerReads;
import org.openimd.server.waveform.Waveform;
import org.openimd.terminology.ReviewCodes;

/**
 * A data set sent for review: interrogation reports (DiagnosticReport), ECG strips and EGM episodes
 * (Observation), of one patient. The portion under review adds what a specialist needs to read it:
 * the patient (age and sex, once de-identified), the devices, a report's measurements, and the
 * physician's findings on it (Observations whose {@code focus} is an item of the data set).
 */
class DataSets {

	/**
	 * @param patient e.g. {@code Patient/12}
	 * @param items the data set as given, e.g. {@code Observation/40}
	 * @param kinds ecg-strip, egm-episode, interrogation
	 * @param observed what an analysis of it interprets: the ECG strips and EGM episodes, and the
	 *     measurements (IdcoObservations) of the interrogation reports
	 */
	record DataSet(String patient, List<String> items, Set<String> kinds, List<String> observed, List<Resource> portion) {}

	private final DaoRegistry myDaos;

	DataSets(DaoRegistry theDaos) {
		myDaos = theDaos;
	}

	/** The data set {@code theItems} name, each read as {@code theCaller}: nobody sends for review what they may not read. */
	DataSet read(List<String> theItems, RequestDetails theCaller) {
		if (theItems.isEmpty()) {
			throw new UnprocessableEntityException("a data set names at least one DiagnosticReport or Observation");
		}
		List<Resource> items = new ArrayList<>();
		for (String item : theItems) {
			IdType id = new IdType(item);
			if ("Observation".equals(id.getResourceType()) || "DiagnosticReport".equals(id.getResourceType())) {
				items.add((Resource) CallerReads.read(myDaos.getResourceDao(id.getResourceType()), id, theCaller));
			} else {
				throw new UnprocessableEntityException(item + ": a data set holds interrogation reports, ECG strips and EGM episodes");
			}
		}
		return of(items);
	}

	/** The data set of stored items, read by the server itself (when a review's copy is made again). */
	DataSet reread(List<String> theItems) {
		return of(theItems.stream().map(item -> (Resource) myDaos.getResourceDao(new IdType(item).getResourceType())
				.read(new IdType(item).toUnqualifiedVersionless(), new SystemRequestDetails())).toList());
	}

	private DataSet of(List<Resource> theItems) {
		Set<String> patients = new LinkedHashSet<>();
		Set<String> kinds = new LinkedHashSet<>();
		List<String> observed = new ArrayList<>();
		Map<String, Resource> portion = new LinkedHashMap<>();
		for (Resource item : theItems) {
			if (item instanceof DiagnosticReport report) {
				kinds.add(ReviewCodes.INTERROGATION);
				patients.add(report.getSubject().getReference());
				report.getResult().forEach(result -> add(portion, result));
				report.getResult().stream().map(Reference::getReference).filter(result -> result != null && result.startsWith("Observation/"))
						.forEach(observed::add);
				report.getExtension().stream().filter(extension -> extension.getValue() instanceof Reference)
						.forEach(extension -> add(portion, (Reference) extension.getValue()));
			} else if (item instanceof Observation observation) {
				try {
					kinds.add(Waveform.of(observation).kind());
				} catch (Waveform.NotAWaveformException e) {
					throw new UnprocessableEntityException(key(item) + ": " + e.getMessage());
				}
				observed.add(key(observation));
				patients.add(observation.getSubject().getReference());
				add(portion, observation.getDevice());
			}
			portion.put(key(item), item);
		}
		if (patients.size() != 1 || patients.contains(null)) {
			throw new UnprocessableEntityException("a data set is of one patient; this one names " + patients);
		}
		String patient = patients.iterator().next();
		add(portion, new Reference(patient));
		for (Resource item : theItems) {
			SearchParameterMap findings = SearchParameterMap.newSynchronous().add(Observation.SP_FOCUS, new ReferenceParam(key(item)));
			myDaos.getResourceDao(Observation.class).searchForResources(findings, new SystemRequestDetails())
					.forEach(finding -> portion.putIfAbsent(key((Resource) finding), (Resource) finding));
		}
		return new DataSet(patient, theItems.stream().map(DataSets::key).toList(), kinds, List.copyOf(observed), List.copyOf(portion.values()));
	}

	private void add(Map<String, Resource> thePortion, Reference theReference) {
		if (theReference == null || !theReference.hasReference() || thePortion.containsKey(theReference.getReference())) {
			return;
		}
		IdType id = new IdType(theReference.getReference());
		if (id.getResourceType() != null && id.hasIdPart()) {
			thePortion.put(id.toUnqualifiedVersionless().getValue(),
					(Resource) myDaos.getResourceDao(id.getResourceType()).read(id.toUnqualifiedVersionless(), new SystemRequestDetails()));
		}
	}

	static String key(Resource theResource) {
		return theResource.getIdElement().toUnqualifiedVersionless().getValue();
	}
}
