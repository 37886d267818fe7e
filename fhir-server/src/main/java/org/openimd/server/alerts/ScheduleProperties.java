package org.openimd.server.alerts;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code openimd.schedules.*}: how long after its due date a transmission counts as missed
 * ({@code grace}: no default, since no source gives one and clinics differ by device and monitor; nothing
 * is raised until it is set) and how often to look ({@code check-every}, hourly: a project decision).
 */
@ConfigurationProperties("openimd.schedules")
record ScheduleProperties(Duration grace, @DefaultValue("PT1H") Duration checkEvery) {}
