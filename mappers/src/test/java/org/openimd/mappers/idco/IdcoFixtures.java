package org.openimd.mappers.idco;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The public IDCO example messages shipped as test resources, and ways to vary them for a test. */
public final class IdcoFixtures {

	public static final String STJUDE_ICD = "sjm-icd-remote-af.hl7";
	public static final String MEDTRONIC_ICD_3_EGMS = "mdt-icd-vt-3egm-pdf.hl7";
	public static final String IHE_BIOTRONIK_CRTD = "ihe-style-biotronik-crtd-full.hl7";

	private IdcoFixtures() {}

	public static byte[] bytes(String theName) {
		try (InputStream in = IdcoFixtures.class.getResourceAsStream("/fixtures/idco/" + theName)) {
			if (in == null) {
				throw new IllegalArgumentException("no fixture " + theName);
			}
			return in.readAllBytes();
		} catch (IOException e) {
			throw new IllegalStateException(e);
		}
	}

	/** The fixture as text; ISO-8859-1 maps every byte to one character, so nothing changes. */
	public static String text(String theName) {
		return new String(bytes(theName), StandardCharsets.ISO_8859_1);
	}

	/** The message with MSH-10 (the sender's message control ID) replaced. */
	public static String withControlId(String theMessage, String theControlId) {
		Matcher msh = Pattern.compile("^(MSH(?:\\|[^|\\r\\n]*){8}\\|)[^|\\r\\n]*").matcher(theMessage);
		if (!msh.find()) {
			throw new IllegalArgumentException("no MSH-10 in the message");
		}
		return msh.replaceFirst(Matcher.quoteReplacement(msh.group(1) + theControlId));
	}
}
