package org.openimd.server.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.security.interfaces.RSAPublicKey;
import java.sql.Timestamp;
import java.text.ParseException;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The key the authorization server signs tokens with. Made on first start and kept in the database, so
 * that tokens issued before a restart stay valid after it.
 */
final class SigningKeys {

	private SigningKeys() {}

	static JWKSet load(JdbcTemplate theJdbc, Clock theClock) {
		List<String> stored = theJdbc.queryForList("select jwk from openimd_signing_key order by created_at desc", String.class);
		try {
			if (!stored.isEmpty()) {
				return new JWKSet(RSAKey.parse(stored.get(0)));
			}
			RSAKey key = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).keyUse(KeyUse.SIGNATURE).generate();
			theJdbc.update("insert into openimd_signing_key (kid, jwk, created_at) values (?, ?, ?)",
					key.getKeyID(), key.toJSONString(), Timestamp.from(theClock.instant()));
			return new JWKSet(key);
		} catch (ParseException | JOSEException e) {
			throw new IllegalStateException("Cannot load or create the token signing key", e);
		}
	}

	/** The public half of the key {@code theKeys} sign with, to verify the tokens it signed. */
	static RSAPublicKey verificationKey(JWKSource<SecurityContext> theKeys) {
		try {
			return theKeys.get(new JWKSelector(new JWKMatcher.Builder().keyType(KeyType.RSA).keyUse(KeyUse.SIGNATURE).build()), null)
					.get(0).toRSAKey().toRSAPublicKey();
		} catch (JOSEException e) {
			throw new IllegalStateException("Cannot read the token signing key", e);
		}
	}
}
