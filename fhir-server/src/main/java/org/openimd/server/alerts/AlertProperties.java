package org.openimd.server.alerts;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code openimd.alerts.*}: the clinic's alert parameters ({@code parameters.[ALERT-LEAD-01.high]=2000}:
 * a limit the rules ship without, or another than their default), and how long an alert that is still
 * open keeps the same condition quiet ({@code suppression-window}, 5 days: a project decision after
 * the SmartView practice of notifying again when an alert stays unopened for 5 days).
 */
@ConfigurationProperties("openimd.alerts")
record AlertProperties(Map<String, BigDecimal> parameters, @DefaultValue("P5D") Duration suppressionWindow) {

	AlertProperties {
		parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
	}
}
