package org.openimd.ig;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import ca.uhn.fhir.parser.IParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.StructureDefinition;

/**
 * Build step of this module: copies the guide's files into the folder the NPM package is made from,
 * each StructureDefinition with its snapshot. Profiles are written by hand as differentials; a
 * package that carries the snapshots spares every reader generating them: HAPI's package installer
 * generates one only for a StructureDefinition without, which on two cores took seconds of a
 * server's first start, and the validator of each server generated them again at its first
 * interrogation. The snapshots come from HAPI's own generator, as the installer's would.
 *
 * <p>Arguments: the folder of the guide's sources, the folder to write the package's files to.
 */
public final class PackageSnapshots {

	private PackageSnapshots() {}

	public static void main(String[] theArgs) throws IOException {
		if (theArgs.length != 2) {
			throw new IllegalArgumentException("usage: PackageSnapshots <source folder> <package folder>");
		}
		write(Path.of(theArgs[0]), Path.of(theArgs[1]));
	}

	static void write(Path theSources, Path thePackage) throws IOException {
		FhirContext fhir = FhirContext.forR4Cached();
		IParser json = fhir.newJsonParser().setPrettyPrint(true);
		// The guide's profiles all derive from the R4 core, which the chain knows; none from another of its own.
		IValidationSupport snapshots = new ValidationSupportChain(fhir.getValidationSupport(), new SnapshotGeneratingValidationSupport(fhir));
		Files.createDirectories(thePackage);
		// A file removed from the sources must not live on in the package from an earlier build.
		for (Path stale : jsonFiles(thePackage)) {
			Files.delete(stale);
		}
		for (Path source : jsonFiles(theSources)) {
			Path target = thePackage.resolve(source.getFileName().toString());
			String text = Files.readString(source);
			IBaseResource resource = source.getFileName().toString().equals("package.json") ? null : json.parseResource(text);
			if (resource instanceof StructureDefinition profile && !profile.hasSnapshot()) {
				IBaseResource withSnapshot = snapshots.generateSnapshot(new ValidationSupportContext(snapshots), profile, null, null, null);
				if (withSnapshot == null || !((StructureDefinition) withSnapshot).hasSnapshot()) {
					throw new IllegalStateException("No snapshot generated for " + profile.getUrl());
				}
				text = json.encodeResourceToString(withSnapshot);
			}
			Files.writeString(target, text);
		}
	}

	private static List<Path> jsonFiles(Path theFolder) throws IOException {
		try (Stream<Path> files = Files.list(theFolder)) {
			return files.filter(path -> path.getFileName().toString().endsWith(".json")).sorted().toList();
		}
	}
}
