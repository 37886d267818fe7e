package org.openimd.server.alerts;

/** An interrogation report was stored for the first time; published inside the transaction that stores it. */
record InterrogationArrived(String reportId) {}
