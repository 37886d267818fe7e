package org.openimd.server.security;

import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.openimd.server.security.login.Role;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The embedded authorization server, under {@code openimd.auth}.
 *
 * @param clients the systems (EHRs, pharmacy systems, manufacturers, device gateways) that call OpenIMD
 *     with SMART Backend Services; registered, or updated, at every start
 * @param apps the SMART apps people launch (authorization code with PKCE); registered, or updated, at
 *     every start
 * @param systemTokenLifetime how long a system's access token lives; SMART asks for at most 5 minutes
 * @param userTokenLifetime how long an app's access token lives; SMART asks for at most an hour
 * @param onlineAccessLifetime how long a refresh token granted for {@code online_access} lives: about
 *     one working session
 * @param offlineAccessLifetime how long a refresh token granted for {@code offline_access} lives
 * @param launchLifetime how long an EHR launch or a chosen patient waits for its authorization request
 * @param issuerUri an external identity provider whose access tokens the API trusts instead of OpenIMD's
 *     own ({@link AuthorizationServerMode}); unset, OpenIMD is its own authorization server
 * @param external how that provider's tokens say what OpenIMD needs to know
 * @param corsOrigins origins of browser apps allowed to call the token endpoint and the FHIR API
 *     besides those of registered apps' redirect URIs ({@link BrowserAppOrigins}), e.g. the origin of
 *     an app registered at an external identity provider
 */
@ConfigurationProperties("openimd.auth")
public record AuthProperties(
		List<SystemClient> clients,
		List<App> apps,
		@DefaultValue("5m") Duration systemTokenLifetime,
		@DefaultValue("15m") Duration userTokenLifetime,
		@DefaultValue("12h") Duration onlineAccessLifetime,
		@DefaultValue("90d") Duration offlineAccessLifetime,
		@DefaultValue("5m") Duration launchLifetime,
		URI issuerUri,
		@DefaultValue ExternalTokens external,
		List<String> corsOrigins) {

	public AuthProperties {
		clients = clients == null ? List.of() : List.copyOf(clients);
		corsOrigins = corsOrigins == null ? List.of() : List.copyOf(corsOrigins);
		apps = apps == null ? List.of() : List.copyOf(apps);
		if (systemTokenLifetime.compareTo(Duration.ofMinutes(5)) > 0) {
			throw new IllegalArgumentException("openimd.auth.system-token-lifetime may be at most 5 minutes (SMART Backend Services)");
		}
		if (userTokenLifetime.compareTo(Duration.ofHours(1)) > 0) {
			throw new IllegalArgumentException("openimd.auth.user-token-lifetime may be at most an hour (SMART App Launch)");
		}
	}

	/**
	 * A SMART app that people use: a browser or mobile app without a secret ({@code public}), or a
	 * server-side app with one ({@code confidential}). Only confidential apps get refresh tokens.
	 *
	 * @param clientSecret a confidential app's secret, stored only as a hash
	 * @param redirectUris exactly where authorization codes may be sent
	 * @param scopes the most it may ask for, e.g. {@code patient/*.rs openid fhirUser launch/patient}
	 */
	public record App(String clientId, String name, boolean confidential, String clientSecret, List<String> redirectUris,
			List<String> scopes) {

		public App {
			if (clientId == null || clientId.isBlank()) {
				throw new IllegalArgumentException("openimd.auth.apps[].client-id is required");
			}
			if (confidential == (clientSecret == null || clientSecret.isBlank())) {
				throw new IllegalArgumentException("app " + clientId + " needs a client-secret exactly when it is confidential");
			}
			if (redirectUris == null || redirectUris.isEmpty()) {
				throw new IllegalArgumentException("app " + clientId + " needs at least one redirect-uri");
			}
			redirectUris = List.copyOf(redirectUris);
			scopes = scopes == null ? List.of() : List.copyOf(scopes);
			name = name == null ? clientId : name;
		}
	}

	/**
	 * A system client that authenticates with a JWT signed by its own key ({@code private_key_jwt},
	 * RS384 or ES384).
	 *
	 * @param clientId its {@code client_id}, also the {@code iss} and {@code sub} of its assertions
	 * @param name shown in logs and audit
	 * @param jwks its public keys as an inline JWK Set (JSON), or
	 * @param jwksUrl where its JWK Set is published
	 * @param scopes the most it may ask for, e.g. {@code system/Device.rs}
	 * @param actsAs for a system that acts for an organisation (a pharmacy's system), the role whose
	 *     policy limits its {@code system/} scopes as it limits that organisation's people; null for a
	 *     system that may reach every patient its scopes name (an EHR, a device gateway)
	 * @param organization the Organization it acts for, e.g. {@code Organization/7}; needed with {@code actsAs}
	 */
	public record SystemClient(String clientId, String name, String jwks, URI jwksUrl, List<String> scopes, Role actsAs,
			String organization) {

		/** Roles whose reach follows from an organisation alone, without a person's own record. */
		private static final Set<Role> ORGANISATION_ROLES = EnumSet.of(Role.PHARMACIST, Role.MANUFACTURER);

		public SystemClient {
			if (clientId == null || clientId.isBlank()) {
				throw new IllegalArgumentException("openimd.auth.clients[].client-id is required");
			}
			if ((jwks == null || jwks.isBlank()) == (jwksUrl == null)) {
				throw new IllegalArgumentException("client " + clientId + " needs exactly one of jwks and jwks-url");
			}
			if ((actsAs == null) != (organization == null || organization.isBlank())
					|| (actsAs != null && !ORGANISATION_ROLES.contains(actsAs))) {
				throw new IllegalArgumentException("client " + clientId
						+ " acts as a role only together with an organization, and only as one of " + ORGANISATION_ROLES);
			}
			scopes = scopes == null ? List.of() : List.copyOf(scopes);
			name = name == null ? clientId : name;
		}
	}

	/**
	 * Access tokens of an external identity provider, as the API reads them.
	 *
	 * @param audience the {@code aud} a token must name to be for this API: the FHIR base URL as the
	 *     provider writes it; unset, {@code openimd.fhir.public-base-url}
	 * @param claims where the provider puts each claim OpenIMD reads
	 * @param secondFactors the {@code amr} values (RFC 8176) that show a person signed in with a second
	 *     factor; a person's token needs one of them
	 * @param capabilities what SMART discovery announces of the provider together with this API (the
	 *     provider's endpoints are read from its own metadata)
	 */
	public record ExternalTokens(
			String audience,
			@DefaultValue ClaimNames claims,
			@DefaultValue({"otp", "mfa", "hwk"}) List<String> secondFactors,
			@DefaultValue({"permission-v1", "permission-v2", "permission-patient", "permission-user"}) List<String> capabilities) {}

	/**
	 * The names of the claims in an external provider's access tokens that carry what OpenIMD's own
	 * tokens carry ({@link SmartClaims}). {@code role} and {@code actsAs} hold a role name ({@code
	 * patient}, {@code clinician}, {@code pharmacist}, {@code manufacturer}, {@code reviewer}, {@code
	 * admin}), or a list with exactly one; {@code patient} a Patient id or reference; {@code scope} a
	 * space-separated string or a list ({@code scp} is read when it is absent).
	 */
	public record ClaimNames(
			@DefaultValue(SmartClaims.PATIENT) String patient,
			@DefaultValue(SmartClaims.FHIR_USER) String fhirUser,
			@DefaultValue(SmartClaims.ROLE) String role,
			@DefaultValue(SmartClaims.ACTS_AS) String actsAs,
			@DefaultValue(SmartClaims.ORGANIZATION) String organization,
			@DefaultValue(SmartClaims.AMR) String amr,
			@DefaultValue("scope") String scope) {}
}
