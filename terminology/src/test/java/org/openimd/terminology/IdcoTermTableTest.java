package org.openimd.terminology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import org.junit.jupiter.api.Test;

class IdcoTermTableTest {

	private static final String HEADER = "term,code,unit,description\n";

	@Test
	void shippedTableHoldsEveryRowOfTheReferenceTable() {
		IdcoTermTable table = IdcoTermTable.load();

		// 457 rows, as counted in idco-terms-SOURCE.md
		assertThat(table.terms()).hasSize(457);
	}

	@Test
	void findsTermByNumericCodeAndByReferenceId() {
		IdcoTermTable table = IdcoTermTable.load();

		assertThat(table.byCode("720897")).get().extracting(IdcoTerm::referenceId).isEqualTo("MDC_IDC_DEV_TYPE");
		assertThat(table.byReferenceId("MDC_IDC_MSMT_LEADCHNL_RV_IMPEDANCE_VALUE"))
				.get()
				.satisfies(term -> {
					assertThat(term.code()).isEqualTo("722433");
					assertThat(term.ucumUnit()).contains("Ohm");
				});
		assertThat(table.byCode("999999999")).isEmpty();
	}

	@Test
	void keepsQuotedDescriptionsWithCommasWhole() {
		IdcoTerm deviceType = IdcoTermTable.load().byCode("720897").orElseThrow();

		assertThat(deviceType.description()).contains("IPG, ICD, CRT-D, CRT-P, Monitor, Other");
		assertThat(deviceType.ucumUnit()).isEmpty();
	}

	@Test
	void labelsAreTheDescriptionsWithoutTypeSourcesAndEncodingNotes() {
		IdcoTermTable table = IdcoTermTable.load();

		assertThat(table.byReferenceId("MDC_IDC_MSMT_BATTERY_VOLTAGE").orElseThrow().label()).isEqualTo("Battery measurement: voltage");
		assertThat(table.byReferenceId("MDC_IDC_DEV_TYPE").orElseThrow().label()).isEqualTo("Implanted device (pulse generator): device type");
		assertThat(table.byReferenceId("MDC_IDC_ENUM_SESS_TYPE_RemoteScheduled").orElseThrow().label()).isEqualTo("Remote, scheduled");
		assertThat(table.byReferenceId("MDC_IDC_MSMT_LEADHVCHNL_DTM").orElseThrow().label())
				.isEqualTo("Measured high-voltage (shock) lead channel: date/time");
		assertThat(table.terms()).allSatisfy(term -> assertThat(term.label()).isNotBlank().doesNotStartWith("(").doesNotContain("[", "OBX-", "MDC_IDC_"));
	}

	@Test
	void rejectsDuplicateCode() {
		String csv = HEADER + "MDC_IDC_DEV_TYPE,720897,,type\nMDC_IDC_DEV_MODEL,720897,,model\n";

		assertThatThrownBy(() -> IdcoTermTable.read(new StringReader(csv)))
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("Code 720897 appears twice");
	}

	@Test
	void rejectsDuplicateReferenceId() {
		String csv = HEADER + "MDC_IDC_DEV_TYPE,720897,,type\nMDC_IDC_DEV_TYPE,720898,,type again\n";

		assertThatThrownBy(() -> IdcoTermTable.read(new StringReader(csv)))
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("Term MDC_IDC_DEV_TYPE appears twice");
	}

	@Test
	void rejectsNonNumericCodeNamingTheRow() {
		String csv = HEADER + "MDC_IDC_DEV_TYPE,720897,,type\nMDC_IDC_DEV_MODEL,72O898,,model\n";

		assertThatThrownBy(() -> IdcoTermTable.read(new StringReader(csv)))
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("data row 2")
				.hasMessageContaining("'72O898' is not a numeric 11073 code");
	}

	@Test
	void rejectsRowWithMissingColumns() {
		String csv = HEADER + "MDC_IDC_DEV_TYPE,720897\n";

		assertThatThrownBy(() -> IdcoTermTable.read(new StringReader(csv)))
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("expected 4 columns");
	}

	@Test
	void rejectsTermThatIsNotAnIdcReferenceId() {
		String csv = HEADER + "MDC_ECG_HEART_RATE,16770,,heart rate\n";

		assertThatThrownBy(() -> IdcoTermTable.read(new StringReader(csv)))
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("not an MDC_IDC reference ID");
	}

	@Test
	void resolvesEnumerationValueByNumericCode() {
		IdcoTermTable table = IdcoTermTable.load();

		assertThat(table.enumerationValue(Mdc.MDC_IDC_DEV_TYPE, "753666"))
				.get().extracting(IdcoTerm::referenceId).isEqualTo("MDC_IDC_ENUM_DEV_TYPE_ICD");
	}

	@Test
	void resolvesEnumerationValueByMnemonicOfThatTermOnly() {
		IdcoTermTable table = IdcoTermTable.load();

		assertThat(table.enumerationValue(Mdc.MDC_IDC_DEV_TYPE, "CRT_D"))
				.get().extracting(IdcoTerm::code).isEqualTo("753667");
		assertThat(table.enumerationValue(Mdc.MDC_IDC_SESS_TYPE, "remotescheduled"))
				.get().extracting(IdcoTerm::code).isEqualTo("754053");
		// "Other" is a value of device type and of session type: the term decides which.
		assertThat(table.enumerationValue(Mdc.MDC_IDC_SESS_TYPE, "Other"))
				.get().extracting(IdcoTerm::code).isEqualTo("754055");
		assertThat(table.enumerationValue(Mdc.MDC_IDC_DEV_TYPE, "CIED")).isEmpty();
	}

	@Test
	void readsTheHl7ValueTypeFromTheDescription() {
		IdcoTermTable table = IdcoTermTable.load();

		assertThat(table.byCode("722433").orElseThrow().hl7ValueType()).contains("NM");
		assertThat(table.byCode("720897").orElseThrow().hl7ValueType()).contains("CWE");
		assertThat(table.byCode("753666").orElseThrow().hl7ValueType()).isEmpty();
	}
}
