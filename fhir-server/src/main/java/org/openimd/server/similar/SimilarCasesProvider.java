package org.openimd.server.similar;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.openimd.server.security.CallerReads;

/**
 * {@code POST /fhir/$find-similar}: the diagnosed data sets most like one the caller may read (an ECG
 * strip, an EGM episode, an interrogation's IDCO measurements or its report), with their scores and
 * diagnoses (OperationDefinition in ig).
 */
public class SimilarCasesProvider {

	private static final int DEFAULT_COUNT = 5;
	private static final int MAX_COUNT = 50;

	private final SimilarCases myCases;
	private final DaoRegistry myDaos;

	SimilarCasesProvider(SimilarCases theCases, DaoRegistry theDaos) {
		myCases = theCases;
		myDaos = theDaos;
	}

	@Operation(name = "$find-similar", idempotent = false)
	public Parameters findSimilar(@OperationParam(name = "dataSet", min = 1, max = 1) Reference theDataSet,
			@OperationParam(name = "count", max = 1) IntegerType theCount, RequestDetails theRequest) {
		int count = theCount == null ? DEFAULT_COUNT : theCount.getValue();
		if (count < 1 || count > MAX_COUNT) {
			throw new InvalidRequestException("count must be between 1 and " + MAX_COUNT);
		}
		Observation dataSet = compared(new IdType(theDataSet.getReference()), theRequest);
		try {
			SimilarCases.Answer found = myCases.findSimilar(dataSet, count);
			Parameters answer = new Parameters();
			answer.addParameter().setName("method").setValue(new StringType(found.method()));
			answer.addParameter().setName("threshold").setValue(new DecimalType(BigDecimal.valueOf(found.threshold())));
			for (SimilarCases.Match match : found.matches()) {
				Parameters.ParametersParameterComponent part = answer.addParameter().setName("match");
				// Another patient's data set is named by its score and diagnoses alone: its id would point into their record.
				if (CallerReads.mayRead(myDaos.getResourceDao(Observation.class), new IdType(match.dataSet()), theRequest)) {
					part.addPart().setName("dataSet").setValue(new Reference(match.dataSet()));
				}
				part.addPart().setName("score").setValue(new DecimalType(BigDecimal.valueOf(match.score()).setScale(4, RoundingMode.HALF_UP)));
				match.diagnoses().forEach(diagnosis -> part.addPart().setName("diagnosis").setValue(diagnosis.copy()));
				match.analyses().stream()
						.filter(analysis -> CallerReads.mayRead(myDaos.getResourceDao(DiagnosticReport.class), new IdType(analysis), theRequest))
						.forEach(analysis -> part.addPart().setName("analysis").setValue(new Reference(analysis)));
			}
			return answer;
		} catch (Comparison.NotComparableException e) {
			throw new UnprocessableEntityException("the data set cannot be compared: " + e.getMessage());
		}
	}

	/** The Observation compared for {@code theId}, read as the caller: itself, or the interrogation report's measurements. */
	private Observation compared(IdType theId, RequestDetails theRequest) {
		if ("Observation".equals(theId.getResourceType())) {
			return CallerReads.read(myDaos.getResourceDao(Observation.class), theId, theRequest);
		}
		if (!"DiagnosticReport".equals(theId.getResourceType())) {
			throw new UnprocessableEntityException("dataSet must be an ECG strip, an EGM episode (Observation) or an interrogation (DiagnosticReport or its IDCO Observation)");
		}
		DiagnosticReport report = CallerReads.read(myDaos.getResourceDao(DiagnosticReport.class), theId, theRequest);
		for (Reference result : report.getResult()) {
			IdType id = new IdType(result.getReference());
			if ("Observation".equals(id.getResourceType())) {
				Observation measurements = CallerReads.read(myDaos.getResourceDao(Observation.class), id, theRequest);
				if (myCases.compares(measurements)) {
					return measurements;
				}
			}
		}
		throw new UnprocessableEntityException(theId.toUnqualifiedVersionless().getValue() + " names no ECG strip, EGM episode or IDCO measurements among its results");
	}
}
