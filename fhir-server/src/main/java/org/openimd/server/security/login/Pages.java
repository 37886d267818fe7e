package org.openimd.server.security.login;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.util.HtmlUtils;

/**
 * The few HTML pages of signing in and authorising an app: in the web app's look, self-contained (no
 * scripts, no third-party style sheets), every value escaped.
 */
final class Pages {

	private Pages() {}

	static String page(String theTitle, String theBody) {
		return """
				<!DOCTYPE html>
				<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
				<title>%s · OpenIMD</title>
				<style>body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1b1b1b;line-height:1.45}
				header{background:#0b3d5c;color:#fff;padding:.7rem 1.2rem;font-size:1.2rem;font-weight:700}
				main{max-width:34rem;margin:2rem auto;padding:0 1rem}
				label{display:block;margin:.8rem 0}input[type=text],input[type=password]{width:100%%;padding:.45rem;font:inherit;border:1px solid #767676;border-radius:.2rem}
				label.scope{display:flex;gap:.5rem;align-items:baseline;flex-wrap:wrap}label.scope code{color:#4a4a4a;font-size:.8rem}
				button{font:inherit;background:#0b3d5c;color:#fff;border:0;border-radius:.3rem;padding:.55rem 1.3rem;margin-top:1rem;cursor:pointer}
				:focus-visible{outline:3px solid #f5b400;outline-offset:2px}.error{color:#a50e0e;font-weight:600}</style></head>
				<body><header>OpenIMD</header><main><h1>%s</h1>%s</main></body></html>
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
