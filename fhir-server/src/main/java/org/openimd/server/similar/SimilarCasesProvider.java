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
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.openimd.server.waveform.Waveform;

/**
 * {@code POST /fhir/$find-similar}: the diagnosed recordings most like one the caller may read, with
 * their scores and diagnoses (OperationDefinition in ig).
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
		IdType id = new IdType(theDataSet.getReference());
		if (!"Observation".equals(id.getResourceType())) {
			throw new UnprocessableEntityException("dataSet must be an ECG strip or EGM episode (Observation)");
		}
		Observation recording = myDaos.getResourceDao(Observation.class).read(id.toUnqualifiedVersionless(), theRequest);
		Parameters answer = new Parameters();
		answer.addParameter().setName("method").setValue(new StringType(myCases.method().version()));
		answer.addParameter().setName("threshold").setValue(new DecimalType(BigDecimal.valueOf(myCases.method().threshold())));
		try {
			for (SimilarCases.Match match : myCases.findSimilar(recording, count)) {
				Parameters.ParametersParameterComponent found = answer.addParameter().setName("match");
				found.addPart().setName("dataSet").setValue(new Reference(match.dataSet()));
				found.addPart().setName("score").setValue(new DecimalType(BigDecimal.valueOf(match.score()).setScale(4, RoundingMode.HALF_UP)));
				match.diagnoses().forEach(diagnosis -> found.addPart().setName("diagnosis").setValue(diagnosis.copy()));
				match.analyses().forEach(analysis -> found.addPart().setName("analysis").setValue(new Reference(analysis)));
			}
		} catch (Waveform.NotAWaveformException | WaveformFeatures.NoFeaturesException e) {
			throw new UnprocessableEntityException("the recording cannot be compared: " + e.getMessage());
		}
		return answer;
	}
}
