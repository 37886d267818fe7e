package org.openimd.server.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.interceptor.executor.BaseInterceptorService;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.spi.FilterReply;
import org.junit.jupiter.api.Test;

class RoutineRefusalsTest {

	private final LoggerContext myLogback = new LoggerContext();
	private final RoutineRefusals myFilter = new RoutineRefusals();
	private final Logger myInterceptors = myLogback.getLogger(BaseInterceptorService.class);

	@Test
	void aRefusalTheApiMeantIsNotLoggedAsAFaultAndAServerErrorIs() {
		Object[] refused = {"SERVER_INCOMING_REQUEST_PRE_HANDLED", "403", new ForbiddenOperationException("out of reach")};
		assertThat(myFilter.decide(null, myInterceptors, Level.ERROR, "Exception thrown by interceptor for pointcut {}: {}", refused, null))
				.isEqualTo(FilterReply.DENY);
		assertThat(myFilter.decide(null, myInterceptors, Level.ERROR, "{}", null, new UnprocessableEntityException("PUMP-01")))
				.isEqualTo(FilterReply.DENY);
		assertThat(myFilter.decide(null, myInterceptors, Level.ERROR, "{}", null, new InternalErrorException("a fault")))
				.as("a server error keeps its stack trace").isEqualTo(FilterReply.NEUTRAL);
		assertThat(myFilter.decide(null, myInterceptors, Level.ERROR, "{}", null, new IllegalStateException("a bug")))
				.isEqualTo(FilterReply.NEUTRAL);
		assertThat(myFilter.decide(null, myLogback.getLogger("org.openimd.server"), Level.ERROR, "{}", null, new ForbiddenOperationException("x")))
				.as("other loggers are not touched").isEqualTo(FilterReply.NEUTRAL);
	}
}
