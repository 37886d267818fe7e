package org.openimd.server.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.mock.env.MockEnvironment;

class ServedResourceTypesTest {

	@Test
	void storageOfTypesNotServedIsLeftOutAndTheRestKept() {
		DefaultListableBeanFactory registry = registryWith("myPatientDaoR4", "myClaimDaoR4", "myDeviceDaoR4", "mySystemDaoR4",
				"myJpaValidationSupportChain");

		served("Patient,Device").postProcessBeanDefinitionRegistry(registry);

		assertThat(registry.getBeanDefinitionNames())
				.containsExactlyInAnyOrder("myPatientDaoR4", "myDeviceDaoR4", "mySystemDaoR4", "myJpaValidationSupportChain");
	}

	@Test
	void aTypeR4DoesNotHaveStopsTheStart() {
		DefaultListableBeanFactory registry = registryWith("myPatientDaoR4", "myObservationDaoR4");

		assertThatThrownBy(() -> served("Patient,Observaton").postProcessBeanDefinitionRegistry(registry))
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("[Observaton]");
		assertThat(registry.getBeanDefinitionNames()).containsExactlyInAnyOrder("myPatientDaoR4", "myObservationDaoR4");
	}

	@Test
	void withoutTheSettingTheServerDoesNotStart() {
		assertThatThrownBy(() -> new ServedResourceTypes(new MockEnvironment()))
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining(ServedResourceTypes.PROPERTY);
	}

	private static ServedResourceTypes served(String theTypes) {
		return new ServedResourceTypes(new MockEnvironment().withProperty(ServedResourceTypes.PROPERTY, theTypes));
	}

	private static DefaultListableBeanFactory registryWith(String... theBeanNames) {
		DefaultListableBeanFactory registry = new DefaultListableBeanFactory();
		for (String name : theBeanNames) {
			registry.registerBeanDefinition(name, new RootBeanDefinition(Object.class));
		}
		return registry;
	}
}
