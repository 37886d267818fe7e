package org.openimd.server.fhir;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Serves only the resource types of {@code openimd.fhir.resource-types}: HAPI defines a storage bean
 * for each of R4's 146 types, and creating them all is a large part of start-up. Types left out have
 * no storage, no REST endpoints and no entry in the CapabilityStatement; HAPI answers a request for
 * one as for an unknown type.
 *
 * <p>HAPI's registry of storage beans collects what the context holds, so leaving a bean definition
 * out is all it takes; the generated configuration asks that registry before it creates a type's
 * REST provider.
 */
final class ServedResourceTypes implements BeanDefinitionRegistryPostProcessor {

	static final String PROPERTY = "openimd.fhir.resource-types";

	private static final Logger ourLog = LoggerFactory.getLogger(ServedResourceTypes.class);
	private static final String R4_STORAGE_BEAN_PREFIX = "my";
	private static final String R4_STORAGE_BEAN_SUFFIX = "DaoR4";
	/** Transactions and system-level operations: not a resource type, always kept. */
	private static final String SYSTEM_STORAGE_BEAN = "mySystemDaoR4";

	private final Set<String> myServed;

	ServedResourceTypes(Environment theEnvironment) {
		myServed = new TreeSet<>(Binder.get(theEnvironment)
				.bind(PROPERTY, Bindable.listOf(String.class))
				.orElseThrow(() -> new IllegalStateException(PROPERTY + " is not set")));
	}

	@Override
	public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry theRegistry) {
		Map<String, String> storageBeanOfType = Stream.of(theRegistry.getBeanDefinitionNames())
				.filter(name -> name.startsWith(R4_STORAGE_BEAN_PREFIX) && name.endsWith(R4_STORAGE_BEAN_SUFFIX))
				.filter(name -> !name.equals(SYSTEM_STORAGE_BEAN))
				.collect(Collectors.toMap(ServedResourceTypes::resourceType, name -> name));
		Set<String> unknown = new TreeSet<>(myServed);
		unknown.removeAll(storageBeanOfType.keySet());
		if (!unknown.isEmpty()) {
			throw new IllegalStateException(PROPERTY + " names types FHIR R4 does not have: " + unknown);
		}
		storageBeanOfType.forEach((type, bean) -> {
			if (!myServed.contains(type)) {
				theRegistry.removeBeanDefinition(bean);
			}
		});
		ourLog.info("Serving {} resource types: {}", myServed.size(), myServed);
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory theBeanFactory) {}

	private static String resourceType(String theStorageBeanName) {
		return theStorageBeanName.substring(
				R4_STORAGE_BEAN_PREFIX.length(), theStorageBeanName.length() - R4_STORAGE_BEAN_SUFFIX.length());
	}
}
