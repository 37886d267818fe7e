package org.openimd.server.deid;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.StringOrListParam;
import ca.uhn.fhir.rest.param.StringParam;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.StringType;
import org.openimd.server.fhir.ServerSearches;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge.PumpModel;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge;

/** A Device is a manufacturer's when it names the manufacturer's Organization, or its pump model is one of the manufacturer's. */
class DevicesByManufacturerName implements ManufacturersDevices {

	private final DaoRegistry myDaos;
	private final IntrathecalKnowledge myKnowledge;

	DevicesByManufacturerName(DaoRegistry theDaos, IntrathecalKnowledge theKnowledge) {
		myDaos = theDaos;
		myKnowledge = theKnowledge;
	}

	@Override
	public Collection<Device> madeBy(String theOrganization) {
		return devicesMadeBy(namesOf(theOrganization)).values();
	}

	/** The Organization's name and aliases, as a Device names its manufacturer. */
	private Set<String> namesOf(String theOrganization) {
		try {
			Organization organization = myDaos.getResourceDao(Organization.class)
					.read(new IdType(theOrganization).toUnqualifiedVersionless(), new SystemRequestDetails());
			Set<String> names = new TreeSet<>();
			Optional.ofNullable(organization.getName()).ifPresent(name -> names.add(normalised(name)));
			organization.getAlias().stream().map(StringType::getValue).map(DevicesByManufacturerName::normalised).forEach(names::add);
			return names;
		} catch (ResourceNotFoundException e) {
			throw new ForbiddenOperationException("the token's organisation " + theOrganization + " is not known here");
		}
	}

	private Map<String, Device> devicesMadeBy(Set<String> theNames) {
		List<PumpModel> pumps = myKnowledge.pumpModels().stream().filter(model -> theNames.contains(normalised(model.manufacturer()))).toList();
		Map<String, Device> devices = new LinkedHashMap<>();
		List<Device> candidates = new ArrayList<>();
		candidates.addAll(search(Device.class, Device.SP_MANUFACTURER, theNames));
		candidates.addAll(search(Device.class, Device.SP_MODEL, pumps.stream().map(PumpModel::modelNumber).collect(Collectors.toSet())));
		candidates.addAll(search(Device.class, Device.SP_DEVICE_NAME, pumps.stream().map(PumpModel::model).collect(Collectors.toSet())));
		for (Device candidate : candidates) {
			if (madeBy(candidate, theNames, pumps)) {
				devices.putIfAbsent(candidate.getIdElement().getIdPart(), candidate);
			}
		}
		return devices;
	}

	/** String searches match by prefix; this is the exact test. */
	private static boolean madeBy(Device theDevice, Set<String> theNames, List<PumpModel> thePumps) {
		if (theDevice.hasManufacturer()) {
			return theNames.contains(normalised(theDevice.getManufacturer()));
		}
		return thePumps.stream().anyMatch(model -> normalised(model.modelNumber()).equals(normalised(theDevice.getModelNumber()))
				|| theDevice.getDeviceName().stream().anyMatch(name -> normalised(model.model()).equals(normalised(name.getName()))));
	}

	private <T extends IBaseResource> List<T> search(Class<T> theType, String theParameter, Set<String> theValues) {
		if (theValues.isEmpty()) {
			return List.of();
		}
		StringOrListParam any = new StringOrListParam();
		theValues.forEach(value -> any.addOr(new StringParam(value)));
		return ServerSearches.everyMatch(myDaos, theType, SearchParameterMap.newSynchronous().add(theParameter, any));
	}


	private static String normalised(String theName) {
		return theName == null ? "" : theName.replace("®", "").replace("™", "").strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
	}
}
