package org.openimd.server.alerts;

/**
 * A transmission was stored for the first time, published inside the transaction that stores it: an
 * interrogation report ({@code DiagnosticReport/…}) or a pump reading ({@code Observation/…}).
 */
record TransmissionArrived(String transmission) {}
