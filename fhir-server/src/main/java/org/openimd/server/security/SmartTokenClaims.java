package org.openimd.server.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.openimd.server.fhir.FhirServerProperties;
import org.openimd.server.security.login.SignedInUser;
import org.openimd.server.security.login.UserAccount;
import org.openimd.server.security.login.UserAccounts;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContextHolder;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

/**
 * What SMART adds to the tokens Spring Authorization Server issues. Every access token names the FHIR
 * base as its audience, which the FHIR API checks. A person's access token also carries who they are
 * ({@code fhirUser}, role, organisation), how they signed in ({@code amr}) and the patient in context;
 * their id_token carries {@code fhirUser} and {@code amr}. A system registered to act for an
 * organisation carries that organisation and the role whose policy limits it.
 */
class SmartTokenClaims implements OAuth2TokenCustomizer<JwtEncodingContext> {

	private final FhirServerProperties myFhir;
	private final UserAccounts myAccounts;

	SmartTokenClaims(FhirServerProperties theFhir, UserAccounts theAccounts) {
		myFhir = theFhir;
		myAccounts = theAccounts;
	}

	@Override
	public void customize(JwtEncodingContext theContext) {
		boolean accessToken = OAuth2TokenType.ACCESS_TOKEN.equals(theContext.getTokenType());
		boolean idToken = OidcParameterNames.ID_TOKEN.equals(theContext.getTokenType().getValue());
		String fhirBase = FhirBase.of(myFhir, AuthorizationServerContextHolder.getContext().getIssuer());
		if (accessToken) {
			// ArrayLists: the claims are stored with the authorization, and Spring Security's deserialisation
			// allow-list knows them, not List.of's classes.
			theContext.getClaims().audience(new ArrayList<>(List.of(fhirBase)));
			theContext.getClaims().claim(SmartClaims.CLIENT_ID, theContext.getRegisteredClient().getClientId());
		}
		if (AuthorizationGrantType.CLIENT_CREDENTIALS.equals(theContext.getAuthorizationGrantType())) {
			ClientSettings client = theContext.getRegisteredClient().getClientSettings();
			String actsAs = client.getSetting(SmartClaims.ACTS_AS);
			if (actsAs != null) {
				theContext.getClaims().claim(SmartClaims.ACTS_AS, actsAs.toLowerCase(Locale.ROOT))
						.claim(SmartClaims.ORGANIZATION, client.<String>getSetting(SmartClaims.ORGANIZATION));
			}
			return;
		}
		if (!(accessToken || idToken)) {
			return;
		}
		Optional<UserAccount> account = myAccounts.find(theContext.getPrincipal().getName());
		if (account.isEmpty()) {
			return;
		}
		theContext.getClaims().claim(SmartClaims.AMR, new ArrayList<>(SignedInUser.methods(theContext.getPrincipal())));
		account.get().fhirUser().ifPresent(fhirUser -> theContext.getClaims().claim(SmartClaims.FHIR_USER, fhirBase + "/" + fhirUser));
		if (accessToken) {
			theContext.getClaims().claim(SmartClaims.ROLE, account.get().role().name().toLowerCase(Locale.ROOT));
			account.get().organization().ifPresent(organization -> theContext.getClaims().claim(SmartClaims.ORGANIZATION, organization));
			patientInContext(theContext.getAuthorization(), account.get())
					.ifPresent(patient -> theContext.getClaims().claim(SmartClaims.PATIENT, patient));
		}
	}

	/** The patient chosen or launched with, else a patient's own record. */
	static Optional<String> patientInContext(OAuth2Authorization theAuthorization, UserAccount theAccount) {
		Optional<String> launched = Optional.ofNullable(theAuthorization).map(authorization -> authorization.getAttribute(SmartClaims.PATIENT));
		return launched.isPresent() ? launched : AccessContext.reference(theAccount.fhirUser().orElse(null), "Patient");
	}
}
