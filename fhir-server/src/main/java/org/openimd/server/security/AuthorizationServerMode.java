package org.openimd.server.security;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Who issues the access tokens the API accepts: OpenIMD's embedded authorization server, or, when
 * {@code openimd.auth.issuer-uri} names one, an external identity provider, with the embedded server,
 * its sign-in pages and its launch endpoints off. A blank value counts as unset, so that an empty
 * environment variable does not switch the mode.
 */
public final class AuthorizationServerMode {

	public static final String ISSUER_URI_PROPERTY = "openimd.auth.issuer-uri";

	private AuthorizationServerMode() {}

	static boolean external(ConditionContext theContext) {
		return StringUtils.hasText(theContext.getEnvironment().getProperty(ISSUER_URI_PROPERTY));
	}

	/** The bean or configuration exists only while OpenIMD issues its own tokens. */
	@Target({ElementType.TYPE, ElementType.METHOD})
	@Retention(RetentionPolicy.RUNTIME)
	@Conditional(EmbeddedCondition.class)
	public @interface Embedded {}

	/** The bean or configuration exists only while an external identity provider issues the tokens. */
	@Target({ElementType.TYPE, ElementType.METHOD})
	@Retention(RetentionPolicy.RUNTIME)
	@Conditional(ExternalCondition.class)
	public @interface External {}

	static final class EmbeddedCondition implements Condition {
		@Override
		public boolean matches(ConditionContext theContext, AnnotatedTypeMetadata theMetadata) {
			return !external(theContext);
		}
	}

	static final class ExternalCondition implements Condition {
		@Override
		public boolean matches(ConditionContext theContext, AnnotatedTypeMetadata theMetadata) {
			return external(theContext);
		}
	}
}
