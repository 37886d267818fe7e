package org.openimd.server.fhir;

import ca.uhn.fhir.jpa.packages.IPackageInstallerSvc;
import ca.uhn.fhir.jpa.packages.PackageInstallOutcomeJson;
import ca.uhn.fhir.jpa.packages.PackageInstallationSpec;
import org.openimd.ig.OpenImdIg;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Installs the OpenIMD implementation guide (module ig) at every start, before the server reports
 * itself ready: its StructureDefinitions make {@code $validate?profile=…} work, its SearchParameters
 * become searchable. Reloaded each time, so a changed guide never stays behind a stale copy.
 */
@Component
class ImplementationGuideInstaller implements ApplicationRunner {

	private static final Logger ourLog = LoggerFactory.getLogger(ImplementationGuideInstaller.class);

	private final IPackageInstallerSvc myInstaller;

	ImplementationGuideInstaller(IPackageInstallerSvc theInstaller) {
		myInstaller = theInstaller;
	}

	@Override
	public void run(ApplicationArguments theArgs) {
		PackageInstallationSpec spec = new PackageInstallationSpec()
				.setName(OpenImdIg.PACKAGE_NAME)
				.setVersion(OpenImdIg.PACKAGE_VERSION)
				.setPackageContents(OpenImdIg.packageBytes())
				.setInstallMode(PackageInstallationSpec.InstallModeEnum.STORE_AND_INSTALL)
				// Its only dependency, the R4 core, is built into the server; nothing is fetched.
				.setFetchDependencies(false);
		spec.setReloadExisting(true);
		PackageInstallOutcomeJson outcome = myInstaller.install(spec);
		ourLog.info("Implementation guide {}#{}: {}", OpenImdIg.PACKAGE_NAME, OpenImdIg.PACKAGE_VERSION, outcome.getResourcesInstalled());
	}
}
