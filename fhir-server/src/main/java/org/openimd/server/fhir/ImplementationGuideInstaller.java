package org.openimd.server.fhir;

import ca.uhn.fhir.jpa.packages.IHapiPackageCacheManager;
import ca.uhn.fhir.jpa.packages.IPackageInstallerSvc;
import ca.uhn.fhir.jpa.packages.PackageInstallOutcomeJson;
import ca.uhn.fhir.jpa.packages.PackageInstallationSpec;
import ca.uhn.fhir.jpa.packages.util.PackageUtils;
import ca.uhn.fhir.jpa.topic.ISubscriptionTopicLoader;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.openimd.ig.OpenImdIg;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Installs the OpenIMD implementation guide (module ig) before the server reports itself ready: its
 * StructureDefinitions make {@code $validate?profile=…} work, its SearchParameters become searchable,
 * its subscription topics (Basic resources, as the R4 Subscriptions Backport has them) subscribable.
 * A guide whose bytes differ from the stored copy's, even under the same version, is installed again,
 * so a changed guide never stays behind a stale copy; an unchanged one is left as it is, which spares
 * every restart the guide's snapshot generation (seconds on two cores).
 */
@Component
// First of the start-up work: whatever is stored after it (the IDCO terms, demo data) is indexed by the guide's SearchParameters.
@Order(Ordered.HIGHEST_PRECEDENCE)
class ImplementationGuideInstaller implements ApplicationRunner {

	/** The resource type an R4 subscription topic is stored as. */
	private static final String TOPIC_TYPE = "Basic";
	private static final Logger ourLog = LoggerFactory.getLogger(ImplementationGuideInstaller.class);

	private final IPackageInstallerSvc myInstaller;
	private final IHapiPackageCacheManager myPackages;
	private final ISearchParamRegistry mySearchParameters;
	private final ISubscriptionTopicLoader myTopics;

	ImplementationGuideInstaller(IPackageInstallerSvc theInstaller, IHapiPackageCacheManager thePackages, ISearchParamRegistry theSearchParameters,
			ISubscriptionTopicLoader theTopics) {
		myInstaller = theInstaller;
		myPackages = thePackages;
		myTopics = theTopics;
		mySearchParameters = theSearchParameters;
	}

	@Override
	public void run(ApplicationArguments theArgs) {
		installUnlessStored(OpenImdIg.packageBytes());
	}

	/** Installs {@code theGuide} unless the very same bytes are stored under its version; says whether it did. */
	boolean installUnlessStored(byte[] theGuide) {
		Optional<byte[]> stored = stored();
		if (stored.filter(bytes -> Arrays.equals(bytes, theGuide)).isPresent()) {
			ourLog.info("Implementation guide {}#{}: installed already, unchanged", OpenImdIg.PACKAGE_NAME, OpenImdIg.PACKAGE_VERSION);
			return false;
		}
		PackageInstallationSpec spec = new PackageInstallationSpec()
				.setName(OpenImdIg.PACKAGE_NAME)
				.setVersion(OpenImdIg.PACKAGE_VERSION)
				.setPackageContents(theGuide)
				.setInstallMode(PackageInstallationSpec.InstallModeEnum.STORE_AND_INSTALL)
				// Its only dependency, the R4 core, is built into the server; nothing is fetched.
				.setFetchDependencies(false);
		List<String> types = new ArrayList<>(PackageUtils.DEFAULT_INSTALL_TYPES);
		types.add(TOPIC_TYPE);
		spec.setInstallResourceTypes(types);
		spec.setReloadExisting(true);
		if (stored.isPresent()) {
			// HAPI's package cache keeps the first copy of a version it was given and installs that one again
			// for any later copy; only the cached package goes, the resources it installed are updated below.
			myInstaller.uninstall(spec);
		}
		PackageInstallOutcomeJson outcome = myInstaller.install(spec);
		// The registry would take up new SearchParameters at its next scheduled refresh; a resource stored
		// before then would never be indexed by them.
		mySearchParameters.forceRefresh();
		myTopics.requestRefresh();
		ourLog.info("Implementation guide {}#{}: {}", OpenImdIg.PACKAGE_NAME, OpenImdIg.PACKAGE_VERSION, outcome.getResourcesInstalled());
		return true;
	}

	private Optional<byte[]> stored() {
		try {
			return Optional.ofNullable(myPackages.loadPackageContents(OpenImdIg.PACKAGE_NAME, OpenImdIg.PACKAGE_VERSION))
					.map(IHapiPackageCacheManager.PackageContents::getBytes);
		} catch (ResourceNotFoundException e) {
			return Optional.empty();
		}
	}
}
