package org.openimd.server.waveform;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Observation;
import org.openimd.server.fhir.CheckedWhenStored;
import org.openimd.terminology.OpenImdUris;

/**
 * An ECG strip or EGM episode is stored only if it can be read back as one: every channel decodes
 * ({@link Waveform}), so that a monitor's malformed upload is refused at once (422, with the reason)
 * rather than found unreadable when someone opens it.
 */
class WaveformGuard extends CheckedWhenStored {

	@Override
	protected void check(IBaseResource theResource, Optional<IBaseResource> theVersionBefore, RequestDetails theRequest) {
		if (theResource instanceof Observation observation && observation.getCode().getCoding().stream()
				.anyMatch(coding -> OpenImdUris.CARDIAC_WAVEFORM_SYSTEM.equals(coding.getSystem()))) {
			try {
				Waveform.of(observation);
			} catch (Waveform.NotAWaveformException e) {
				throw new UnprocessableEntityException("not a readable waveform: " + e.getMessage());
			}
		}
	}
}
