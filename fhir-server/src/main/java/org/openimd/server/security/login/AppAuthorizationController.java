package org.openimd.server.security.login;

import org.openimd.server.security.AuthorizationServerMode;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.openimd.server.security.CareRelationships;
import org.openimd.server.security.LaunchContexts;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The pages a signed-in person sees while authorising an app: the patient picker of a standalone
 * launch ({@code launch/patient}) for people who look after several patients, and the consent page,
 * where each scope the app asks for can be withheld.
 */
@Controller
@AuthorizationServerMode.Embedded
class AppAuthorizationController {

	private static final String AUTHORIZATION_ENDPOINT = "/oauth2/authorize";

	private final UserAccounts myAccounts;
	private final CareRelationships myCare;
	private final LaunchContexts myLaunches;
	private final RegisteredClientRepository myClients;
	private final DaoRegistry myDaos;

	AppAuthorizationController(UserAccounts theAccounts, CareRelationships theCare, LaunchContexts theLaunches,
			RegisteredClientRepository theClients, DaoRegistry theDaos) {
		myAccounts = theAccounts;
		myCare = theCare;
		myLaunches = theLaunches;
		myClients = theClients;
		myDaos = theDaos;
	}

	@GetMapping(path = AppAuthorizationPaths.PATIENT_PICKER, produces = MediaType.TEXT_HTML_VALUE)
	@ResponseBody
	String patientPicker(HttpServletRequest theRequest) {
		Optional<Set<String>> reachable = reachable();
		StringBuilder body = new StringBuilder("<p>Choose the patient <b>").append(Pages.escape(clientName(theRequest.getParameter("client_id"))))
				.append("</b> is to work on.</p><form method=\"post\" action=\"").append(AppAuthorizationPaths.PATIENT_PICKER).append("\">")
				.append(Pages.csrfField(theRequest));
		theRequest.getParameterMap().forEach((name, values) -> {
			if (!name.equals("patient") && !name.equals("_csrf")) {
				Arrays.stream(values).forEach(value -> body.append(Pages.hidden(name, value)));
			}
		});
		if (reachable.isEmpty()) {
			body.append("<label>Patient id <input type=\"text\" name=\"patient\" required></label>");
		} else if (reachable.get().isEmpty()) {
			return Pages.page("No patients", "<p>You are not on the care team of any patient.</p>");
		} else {
			for (String patient : reachable.get()) {
				body.append("<label><input type=\"radio\" name=\"patient\" required value=\"").append(Pages.escape(patient)).append("\"> ")
						.append(Pages.escape(patientLabel(patient))).append("</label>");
			}
		}
		return Pages.page("Choose a patient", body.append("<button type=\"submit\">Continue</button></form>").toString());
	}

	@PostMapping(AppAuthorizationPaths.PATIENT_PICKER)
	void choosePatient(@RequestParam String patient, @RequestParam("client_id") String theClientId, HttpServletRequest theRequest,
			HttpServletResponse theResponse) throws IOException {
		Optional<Set<String>> reachable = reachable();
		boolean allowed = reachable.map(patients -> patients.contains(patient)).orElseGet(() -> exists(patient));
		if (!allowed) {
			throw new ResponseStatusException(HttpStatus.FORBIDDEN, "you may not choose this patient");
		}
		String launch = myLaunches.create(signedIn().getName(), theClientId, patient, true).launchId();
		UriComponentsBuilder authorize = UriComponentsBuilder.fromPath(AUTHORIZATION_ENDPOINT);
		theRequest.getParameterMap().forEach((name, values) -> {
			if (!name.equals("patient") && !name.equals("_csrf")) {
				authorize.queryParam(name, (Object[]) values);
			}
		});
		theResponse.sendRedirect(authorize.queryParam("launch", launch).encode().build().toUriString());
	}

	@GetMapping(path = AppAuthorizationPaths.CONSENT, produces = MediaType.TEXT_HTML_VALUE)
	@ResponseBody
	String consent(@RequestParam("client_id") String theClientId, @RequestParam String scope, @RequestParam String state) {
		StringBuilder body = new StringBuilder("<p><b>").append(Pages.escape(clientName(theClientId)))
				.append("</b> asks to do what is listed below. Untick anything you do not want it to do.</p><form method=\"post\" action=\"")
				.append(AUTHORIZATION_ENDPOINT).append("\">")
				.append(Pages.hidden("client_id", theClientId)).append(Pages.hidden("state", state));
		for (String requested : scope.split(" ")) {
			if (!requested.isBlank() && !requested.equals(OidcScopes.OPENID)) {
				body.append("<label class=\"scope\"><input type=\"checkbox\" name=\"scope\" checked value=\"").append(Pages.escape(requested))
						.append("\"> ").append(Pages.escape(ScopeWords.of(requested).orElse(requested)))
						.append(" <code>").append(Pages.escape(requested)).append("</code></label>");
			}
		}
		return Pages.page("Authorise an app", body.append("<button type=\"submit\">Allow</button></form>").toString());
	}

	private Optional<Set<String>> reachable() {
		UserAccount account = myAccounts.find(signedIn().getName()).orElseThrow();
		return myCare.reachableBy(account.role(), account.fhirUser().orElse(null), account.organization().orElse(null));
	}

	private static Authentication signedIn() {
		return SecurityContextHolder.getContext().getAuthentication();
	}

	private String clientName(String theClientId) {
		RegisteredClient client = theClientId == null ? null : myClients.findByClientId(theClientId);
		if (client == null) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "unknown client_id");
		}
		return client.getClientName();
	}

	private String patientLabel(String thePatientId) {
		Patient patient = myDaos.getResourceDao(Patient.class).read(new IdType("Patient", thePatientId), new SystemRequestDetails());
		String name = patient.getNameFirstRep().getNameAsSingleString();
		String born = patient.getBirthDateElement().getValueAsString();
		return (name == null || name.isBlank() ? "Patient/" + thePatientId : name) + (born == null ? "" : ", born " + born);
	}

	private boolean exists(String thePatientId) {
		try {
			myDaos.getResourceDao(Patient.class).read(new IdType("Patient", thePatientId), new SystemRequestDetails());
			return true;
		} catch (ResourceNotFoundException | ResourceGoneException e) {
			return false;
		}
	}
}
