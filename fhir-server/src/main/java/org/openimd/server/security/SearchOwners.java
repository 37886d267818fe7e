package org.openimd.server.security;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.method.PageMethodBinding;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Who ran each search whose later pages a client may fetch ({@code _getpages}): a page belongs to the
 * person and app (or system) that ran the search, under any of their tokens, and to nobody else. A
 * page of someone else's search answers as one of a search that does not exist. Kept in the database,
 * so that every node of a cluster knows.
 */
class SearchOwners {

	/** Longer than HAPI keeps a search's results, after which the page is gone anyway. */
	private static final Duration KEPT = Duration.ofDays(2);

	private final JdbcTemplate myJdbc;
	private final FhirContext myFhir;
	private final Clock myClock;

	SearchOwners(JdbcTemplate theJdbc, FhirContext theFhir, Clock theClock) {
		myJdbc = theJdbc;
		myFhir = theFhir;
		myClock = theClock;
	}

	void record(String theSearch, Jwt theToken) {
		Timestamp now = Timestamp.from(myClock.instant());
		myJdbc.update("delete from openimd_search_owner where created_at < ?", Timestamp.from(myClock.instant().minus(KEPT)));
		myJdbc.update("insert into openimd_search_owner (search_uuid, owner, created_at) values (?, ?, ?)", theSearch, TokenOwner.of(theToken), now);
	}

	void refuseUnlessOwnedBy(String theSearch, Optional<Jwt> theToken) {
		List<String> owners = myJdbc.queryForList("select owner from openimd_search_owner where search_uuid = ?", String.class, theSearch);
		if (theToken.isEmpty() || owners.isEmpty() || !owners.get(0).equals(TokenOwner.of(theToken.get()))) {
			throw new ResourceGoneException(myFhir.getLocalizer().getMessage(PageMethodBinding.class, "unknownSearchId", theSearch));
		}
	}
}
