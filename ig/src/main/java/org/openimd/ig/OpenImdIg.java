package org.openimd.ig;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.FhirValidator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.NpmPackageValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.openimd.terminology.IdcoCodeSystem;
import org.openimd.terminology.IdcoTermTable;

/**
 * The OpenIMD implementation guide: R4 profiles, extensions and SearchParameters for implanted-device
 * data, built from {@code src/main/fhir/package} into the NPM package {@value #PACKAGE_RESOURCE}.
 */
public final class OpenImdIg {

	public static final String PACKAGE_NAME = "openimd.fhir.ig";

	/** As in package.json; OpenImdIgTest holds the two together. */
	public static final String PACKAGE_VERSION = "0.1.0";

	/** Where the NPM package lies on the classpath. */
	public static final String PACKAGE_RESOURCE = "org/openimd/ig/package.tgz";

	private OpenImdIg() {}

	/** The package's bytes, as HAPI's package installer takes them. */
	public static byte[] packageBytes() {
		try (InputStream in = OpenImdIg.class.getClassLoader().getResourceAsStream(PACKAGE_RESOURCE)) {
			if (in == null) {
				throw new IllegalStateException(PACKAGE_RESOURCE + " is missing; was the ig module built?");
			}
			return in.readAllBytes();
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/**
	 * A validator that knows FHIR R4, this guide and the IDCO terms, without a server or a network:
	 * resources are checked against the profiles they declare in {@code meta.profile}.
	 */
	public static FhirValidator newValidator(FhirContext theContext) {
		return newValidator(theContext, IdcoTermTable.load());
	}

	/** As {@link #newValidator(FhirContext)}, with the IDCO term table the caller has already read. */
	public static FhirValidator newValidator(FhirContext theContext, IdcoTermTable theTerms) {
		NpmPackageValidationSupport guide = new NpmPackageValidationSupport(theContext);
		try {
			guide.loadPackageFromClasspath("classpath:" + PACKAGE_RESOURCE);
		} catch (IOException e) {
			throw new UncheckedIOException("Cannot load " + PACKAGE_RESOURCE, e);
		}
		PrePopulatedValidationSupport terms = new PrePopulatedValidationSupport(theContext);
		terms.addCodeSystem(IdcoCodeSystem.from(theTerms));
		ValidationSupportChain chain = new ValidationSupportChain(
				guide,
				terms,
				theContext.getValidationSupport(),
				new SnapshotGeneratingValidationSupport(theContext),
				new InMemoryTerminologyServerValidationSupport(theContext),
				new CommonCodeSystemsTerminologyService(theContext));
		FhirValidator validator = theContext.newValidator();
		validator.registerValidatorModule(new FhirInstanceValidator(chain));
		return validator;
	}
}
