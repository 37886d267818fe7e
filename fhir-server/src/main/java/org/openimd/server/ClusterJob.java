package org.openimd.server;

import java.time.Duration;

/**
 * Periodic work that one node of a cluster does for all: a feature declares it as a bean, and
 * {@link ClusterJobs} runs it every {@code period}, first one period after the start.
 *
 * @param name the job's lock in the shared database: unique, and the same on every node
 */
public record ClusterJob(String name, Duration period, Runnable work) {}
