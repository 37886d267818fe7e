package org.openimd.ig;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.utilities.npm.NpmPackage;
import org.junit.jupiter.api.Test;

/** The guide stays within what {@link ShapeCheckedValidator} takes for granted when it counts repeats as "once or more than once". */
class ShapeCheckedValidatorTest {

	@Test
	void theGuideBoundsElementsToAtMostOneOrManySlicesOnlyExtensionsByUrlAndTargetsOnlyCoreProfiles() throws IOException {
		NpmPackage npm = NpmPackage.fromPackage(new ByteArrayInputStream(OpenImdIg.packageBytes()));
		for (String name : npm.listResources("StructureDefinition")) {
			try (InputStream in = npm.loadResource(name)) {
				StructureDefinition profile = (StructureDefinition) FhirContext.forR4Cached().newJsonParser().parseResource(in);
				for (ElementDefinition element : profile.getDifferential().getElement()) {
					if (element.hasSlicing() || element.hasSliceName()) {
						assertThat(element.getPath()).as("%s slices only extensions", name).endsWith("extension");
						assertThat(element.getSlicing().getDiscriminator()).as("%s slices %s by URL", name, element.getPath())
								.allSatisfy(discriminator -> assertThat(discriminator.getPath()).isEqualTo("url"));
					}
					int largestMinimum = element.getPath().equals("Observation.component") ? ShapeCheckedValidator.COMPONENTS_COUNTED_UP_TO : 1;
					assertThat(!element.hasMin() || element.getMin() <= largestMinimum).as("%s: minimum of %s", name, element.getPath()).isTrue();
					assertThat(!element.hasMax() || element.getMax().matches("0|1|\\*")).as("%s: maximum of %s", name, element.getPath()).isTrue();
					// A reference's shape names its target's type and profiles, not the target's own shape.
					element.getType().forEach(type -> assertThat(type.getTargetProfile()).as("%s: targets of %s", name, element.getPath())
							.allSatisfy(target -> assertThat(target.getValue()).startsWith("http://hl7.org/fhir/StructureDefinition/")));
				}
			}
		}
	}
}
