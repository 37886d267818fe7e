package org.openimd.server.idco;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationComponentComponent;
import org.hl7.fhir.r4.model.Quantity;
import org.openimd.server.idco.IdcoValueCriterion.CodedValue;
import org.openimd.server.idco.IdcoValueCriterion.NumberRange;
import org.openimd.terminology.OpenImdUris;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The values of every IdcoObservation's components, one row each, in OpenIMD's own table beside
 * HAPI's. HAPI's composite index cannot tell which component a code and a value came from; this one
 * can. Writes run on the caller's connection, so inside HAPI's transaction they commit or roll back
 * with the Observation.
 */
class IdcoValueIndex {

	private final JdbcTemplate myJdbc;

	IdcoValueIndex(JdbcTemplate theJdbc) {
		myJdbc = theJdbc;
	}

	static boolean isIdcoObservation(Object theResource) {
		return theResource instanceof Observation observation
				&& observation.getCode().getCoding().stream().anyMatch(coding ->
						OpenImdUris.CARDX_CIED_CODE_SYSTEM.equals(coding.getSystem()) && OpenImdUris.CARDX_IDCO.equals(coding.getCode()));
	}

	/** Adds the rows of a stored IdcoObservation; an updated one is {@link #remove removed} first. */
	void index(Observation theObservation) {
		String observationId = theObservation.getIdElement().getIdPart();
		// Outside HAPI's transaction the rows could outlive a rolled-back Observation.
		if (!TransactionSynchronizationManager.hasResource(myJdbc.getDataSource())) {
			throw new IllegalStateException("IdcoObservation " + observationId + " indexed outside the transaction that stores it");
		}
		String patientId = theObservation.getSubject().getReferenceElement().getIdPart();
		List<Object[]> rows = new ArrayList<>();
		for (ObservationComponentComponent component : theObservation.getComponent()) {
			Integer instance = component.getExtensionsByUrl(OpenImdUris.IDCO_INSTANCE_EXTENSION).stream()
					.map(extension -> extension.getValue() instanceof IntegerType integer ? integer.getValue() : null)
					.findFirst().orElse(null);
			for (Coding code : component.getCode().getCoding()) {
				if (code.hasSystem() && code.hasCode()) {
					addValueRows(rows, observationId, patientId, code, instance, component);
				}
			}
		}
		myJdbc.batchUpdate("insert into openimd_idco_value (observation_id, patient_id, code_system, code, instance,"
				+ " value_number, value_unit, value_code_system, value_code) values (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows);
	}

	private static void addValueRows(List<Object[]> theRows, String theObservationId, String thePatientId, Coding theCode,
			Integer theInstance, ObservationComponentComponent theComponent) {
		if (theComponent.getValue() instanceof Quantity quantity && quantity.hasValue() && !quantity.hasComparator()) {
			String unit = quantity.hasCode() ? quantity.getCode() : quantity.getUnit();
			theRows.add(new Object[] {theObservationId, thePatientId, theCode.getSystem(), theCode.getCode(), theInstance,
					quantity.getValue(), unit, null, null});
		} else if (theComponent.getValue() instanceof IntegerType integer && integer.hasValue()) {
			theRows.add(new Object[] {theObservationId, thePatientId, theCode.getSystem(), theCode.getCode(), theInstance,
					BigDecimal.valueOf(integer.getValue()), null, null, null});
		} else if (theComponent.getValue() instanceof CodeableConcept concept) {
			for (Coding value : concept.getCoding()) {
				if (value.hasCode()) {
					theRows.add(new Object[] {theObservationId, thePatientId, theCode.getSystem(), theCode.getCode(), theInstance,
							null, null, value.getSystem(), value.getCode()});
				}
			}
		}
	}

	void remove(String theObservationId) {
		myJdbc.update("delete from openimd_idco_value where observation_id = ?", theObservationId);
	}

	/**
	 * HAPI's resource ids (its database keys, not FHIR ids) of the IdcoObservations matching every
	 * group (AND) through any criterion of the group (OR), at most {@code theLimit} of them.
	 */
	List<Long> matchingResourcePids(List<List<IdcoValueCriterion>> theAndOfOrs, int theLimit) {
		StringJoiner sql = new StringJoiner(" intersect ");
		List<Object> arguments = new ArrayList<>();
		for (List<IdcoValueCriterion> anyOf : theAndOfOrs) {
			StringJoiner where = new StringJoiner(" or ");
			for (IdcoValueCriterion criterion : anyOf) {
				where.add(condition(criterion, arguments));
			}
			sql.add("select observation_id from openimd_idco_value where " + where);
		}
		arguments.add(theLimit);
		// distinct: under OR, one Observation can match through several of its components. Only the
		// Observations kept are looked up in HAPI's resource table (its unique index on type and FHIR id).
		return myJdbc.queryForList("select resource.RES_ID from (select distinct observation_id from (" + sql + ") matches"
				+ " order by observation_id limit ?) kept"
				+ " join HFJ_RESOURCE resource on resource.RES_TYPE = 'Observation' and resource.FHIR_ID = kept.observation_id",
				Long.class, arguments.toArray());
	}

	private static String condition(IdcoValueCriterion theCriterion, List<Object> theArguments) {
		theArguments.add(theCriterion.codeSystem());
		theArguments.add(theCriterion.code());
		StringBuilder condition = new StringBuilder("(code_system = ? and code = ?");
		if (theCriterion instanceof NumberRange range) {
			condition.append(" and value_number is not null");
			StringJoiner bounds = new StringJoiner(" and ");
			if (range.low() != null) {
				bounds.add(range.lowInclusive() ? "value_number >= ?" : "value_number > ?");
				theArguments.add(range.low());
			}
			if (range.high() != null) {
				bounds.add(range.highInclusive() ? "value_number <= ?" : "value_number < ?");
				theArguments.add(range.high());
			}
			condition.append(range.negated() ? " and not (" : " and (").append(bounds).append(')');
			range.unit().ifPresent(unit -> {
				condition.append(" and value_unit = ?");
				theArguments.add(unit);
			});
		} else if (theCriterion instanceof CodedValue coded) {
			condition.append(" and value_code = ?");
			theArguments.add(coded.valueCode());
			Optional<String> valueSystem = coded.valueSystem();
			valueSystem.ifPresent(system -> {
				condition.append(" and value_code_system = ?");
				theArguments.add(system);
			});
		}
		return condition.append(')').toString();
	}
}
