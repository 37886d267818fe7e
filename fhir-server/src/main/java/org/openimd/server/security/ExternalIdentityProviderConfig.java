package org.openimd.server.security;

import org.openimd.server.fhir.FhirServerProperties;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.util.StringUtils;

/**
 * The API as a pure resource server of an external identity provider ({@code openimd.auth.issuer-uri}):
 * OpenIMD's authorization server, sign-in pages, EHR launch endpoint and user administration are off,
 * and the provider's tokens, once their claims are mapped ({@link ExternalTokenClaims}), meet the same
 * enforcement as OpenIMD's own.
 */
@Configuration(proxyBeanMethods = false)
@AuthorizationServerMode.External
class ExternalIdentityProviderConfig {

	@Bean
	ExternalIdentityProvider externalIdentityProvider(AuthProperties theAuth, FhirServerProperties theFhir,
			@Value("${openimd.demo:false}") boolean theDemo) {
		if (theDemo) {
			throw new IllegalStateException("openimd.demo needs OpenIMD's own authorization server, to sign its demo users in: "
					+ "unset " + AuthorizationServerMode.ISSUER_URI_PROPERTY + " or openimd.demo");
		}
		String audience = StringUtils.hasText(theAuth.external().audience()) ? theAuth.external().audience() : theFhir.publicBaseUrl();
		if (!StringUtils.hasText(audience)) {
			throw new IllegalStateException("with an external identity provider, set openimd.auth.external.audience (or "
					+ "openimd.fhir.public-base-url): the FHIR base URL its tokens name in aud");
		}
		return new ExternalIdentityProvider(theAuth.issuerUri(), audience, theAuth.external());
	}

	@Bean
	JwtDecoder accessTokenDecoder(ExternalIdentityProvider theProvider) {
		return theProvider.accessTokenDecoder();
	}
}
