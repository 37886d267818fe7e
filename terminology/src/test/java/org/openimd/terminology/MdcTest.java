package org.openimd.terminology;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MdcTest {

	@Test
	void everyTermConstantNamesItsCodeInTheShippedTable() throws IllegalAccessException {
		IdcoTermTable table = IdcoTermTable.load();
		List<Field> termConstants = Arrays.stream(Mdc.class.getFields())
				.filter(field -> Modifier.isStatic(field.getModifiers()) && field.getName().startsWith("MDC_IDC_"))
				.toList();

		assertThat(termConstants).isNotEmpty();
		for (Field constant : termConstants) {
			String code = (String) constant.get(null);
			assertThat(table.byCode(code))
					.as(constant.getName())
					.get()
					.extracting(IdcoTerm::referenceId)
					.isEqualTo(constant.getName());
		}
	}
}
