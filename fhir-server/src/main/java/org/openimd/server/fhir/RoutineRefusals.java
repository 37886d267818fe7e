package org.openimd.server.fhir;

import ca.uhn.fhir.interceptor.executor.BaseInterceptorService;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.interceptor.ExceptionHandlingInterceptor;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.Set;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * A refusal the API meant (403 out of reach, 422 a prescription the rules reject, 404) is an answer, not
 * a server fault: HAPI logs every exception an interceptor throws at ERROR and every failed request
 * with its stack trace, which buries real faults under routine ones. Those lines are dropped for
 * client errors (4xx); the one-line request log ({@code openimd.fhir.requests}) still records each
 * refusal with its message, and server errors (5xx) keep their stack traces.
 */
final class RoutineRefusals extends TurboFilter {

	private static final Set<String> NOISY_LOGGERS = Set.of(BaseInterceptorService.class.getName(), ExceptionHandlingInterceptor.class.getName());

	/** Adds the filter to Logback once, whatever the number of application contexts in this JVM. */
	static void install() {
		if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback
				&& logback.getTurboFilterList().stream().noneMatch(RoutineRefusals.class::isInstance)) {
			RoutineRefusals filter = new RoutineRefusals();
			filter.start();
			logback.addTurboFilter(filter);
		}
	}

	@Override
	public FilterReply decide(Marker theMarker, Logger theLogger, Level theLevel, String theFormat, Object[] theParams, Throwable theThrown) {
		if (theLogger == null || !NOISY_LOGGERS.contains(theLogger.getName()) || !theLevel.isGreaterOrEqual(Level.WARN)) {
			return FilterReply.NEUTRAL;
		}
		Throwable thrown = theThrown != null ? theThrown
				: theParams != null && theParams.length > 0 && theParams[theParams.length - 1] instanceof Throwable last ? last : null;
		return thrown instanceof BaseServerResponseException refusal && refusal.getStatusCode() < 500 ? FilterReply.DENY : FilterReply.NEUTRAL;
	}
}
