package org.openimd.server.deid;

import java.util.Collection;
import org.hl7.fhir.r4.model.Device;

/** The devices a manufacturer made, for what answers a manufacturer about its own devices only. */
public interface ManufacturersDevices {

	/**
	 * The Devices made by {@code theOrganization} ({@code Organization/7}): those whose {@code manufacturer}
	 * is its name or an alias, and pumps without one whose model is one of its models in the pump data.
	 */
	Collection<Device> madeBy(String theOrganization);
}
