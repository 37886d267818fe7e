package org.openimd.server.security.login;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.util.HtmlUtils;

/**
 * The few HTML pages of signing in and authorising an app: plain, self-contained (no scripts, no
 * third-party style sheets), every value escaped.
 */
final class Pages {

	private Pages() {}

	static String page(String theTitle, String theBody) {
		return """
				<!DOCTYPE html>
				<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
				<title>%s · OpenIMD</title>
				<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}
				label{display:block;margin:.8rem 0}input[type=text],input[type=password]{width:100%%;padding:.4rem}
				button{padding:.5rem 1.2rem;margin-top:1rem}.error{color:#a00}</style></head>
				<body><h1>%s</h1>%s</body></html>
				""".formatted(escape(theTitle), escape(theTitle), theBody);
	}

	static String escape(String theText) {
		return HtmlUtils.htmlEscape(theText == null ? "" : theText);
	}

	/** The hidden field that carries the session's CSRF token with a form. */
	static String csrfField(HttpServletRequest theRequest) {
		CsrfToken token = (CsrfToken) theRequest.getAttribute(CsrfToken.class.getName());
		return token == null ? "" : "<input type=\"hidden\" name=\"" + escape(token.getParameterName()) + "\" value=\"" + escape(token.getToken()) + "\">";
	}

	static String hidden(String theName, String theValue) {
		return "<input type=\"hidden\" name=\"" + escape(theName) + "\" value=\"" + escape(theValue) + "\">";
	}
}
