package org.openimd.server.alerts;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Task;
import org.hl7.fhir.r4.model.Task.TaskStatus;
import org.openimd.server.fhir.CheckedWhenStored;
import org.openimd.terminology.OpenImdUris;

/**
 * How long transmissions wait, as Prometheus metrics: from a triage Task's arrival to the first
 * action on it ({@code openimd.triage.first.action}: it leaves {@code requested}) and to its
 * completion ({@code openimd.triage.completion}), by priority.
 */
class TriageTimes extends CheckedWhenStored {

	private static final Set<TaskStatus> DONE = Set.of(TaskStatus.COMPLETED, TaskStatus.CANCELLED, TaskStatus.FAILED, TaskStatus.ENTEREDINERROR);

	private final MeterRegistry myMeters;
	private final Clock myClock;

	TriageTimes(MeterRegistry theMeters, Clock theClock) {
		myMeters = theMeters;
		myClock = theClock;
	}

	@Override
	protected void check(IBaseResource theResource, Optional<IBaseResource> theVersionBefore, RequestDetails theRequest) {
		if (!(theResource instanceof Task task) || !(theVersionBefore.orElse(null) instanceof Task before)
				|| !task.getCode().hasCoding(OpenImdUris.REMOTE_MONITORING_SYSTEM, OpenImdUris.TRANSMISSION_REVIEW) || !before.hasAuthoredOn()) {
			return;
		}
		Duration waited = Duration.between(before.getAuthoredOn().toInstant(), myClock.instant());
		String priority = before.hasPriority() ? before.getPriority().toCode() : "routine";
		if (before.getStatus() == TaskStatus.REQUESTED && task.getStatus() != TaskStatus.REQUESTED) {
			Timer.builder("openimd.triage.first.action").description("From a transmission's arrival to the first action on its triage Task")
					.tag("priority", priority).register(myMeters).record(waited);
		}
		if (!DONE.contains(before.getStatus()) && task.getStatus() == TaskStatus.COMPLETED) {
			Timer.builder("openimd.triage.completion").description("From a transmission's arrival to the completion of its triage Task")
					.tag("priority", priority).register(myMeters).record(waited);
		}
	}
}
