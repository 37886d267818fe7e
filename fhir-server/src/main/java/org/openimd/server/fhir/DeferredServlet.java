package org.openimd.server.fhir;

import jakarta.servlet.GenericServlet;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * A servlet whose work is done by a servlet fetched from the application context when the servlet container
 * initialises it, not when it is registered.
 *
 * <p>Spring Boot registers servlets while it creates the web server, before the application context has
 * frozen its configuration; until then every by-type lookup of a dependency scans all bean definitions
 * again. Registering HAPI's RestfulServer itself had the whole FHIR stack (DAOs, providers, interceptors)
 * built in that phase: 64 % of a restart's main-thread time, a third of it in uncached scans. Boot has the
 * container initialise a load-on-startup servlet only when it starts the web server, once every singleton
 * exists, so the target is built with the rest and this servlet merely hands it the requests.
 */
final class DeferredServlet extends GenericServlet {

	private static final long serialVersionUID = 1L;

	private final transient Supplier<? extends Servlet> myTarget;
	private transient Servlet myServlet;

	DeferredServlet(Supplier<? extends Servlet> theTarget) {
		myTarget = theTarget;
	}

	@Override
	public void init(ServletConfig theConfig) throws ServletException {
		super.init(theConfig);
		myServlet = myTarget.get();
		myServlet.init(theConfig);
	}

	@Override
	public void service(ServletRequest theRequest, ServletResponse theResponse) throws ServletException, IOException {
		myServlet.service(theRequest, theResponse);
	}

	@Override
	public void destroy() {
		if (myServlet != null) {
			myServlet.destroy();
		}
	}
}
