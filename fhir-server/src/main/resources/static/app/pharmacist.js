// The pharmacist's pages: their patients' pump orders, the prescription form checked live by
// $check-pump-prescription, the refill calendar, and dispenses.
import {h, show, table} from './dom.js';
import {byReference, codeText, formatDay, personName, post, read, resources, valueText} from './fhir.js';

const RULE_SYSTEM = 'https://openimd.org/fhir/CodeSystem/intrathecal-rule';
const CHECK_DELAY_MS = 300;

function medicationOf(request) {
  const reference = request.medicationReference && request.medicationReference.reference;
  return (request.contained || []).find(resource => '#' + resource.id === reference) || null;
}

function ingredientsText(request) {
  const medication = medicationOf(request);
  if (!medication) {
    return codeText(request.medicationCodeableConcept);
  }
  return (medication.ingredient || []).map(ingredient => codeText(ingredient.itemCodeableConcept) + ' '
    + valueText({valueQuantity: ingredient.strength.numerator}) + '/' + valueText({valueQuantity: ingredient.strength.denominator})).join(' + ');
}

function dailyDose(request) {
  const rate = request.dosageInstruction && request.dosageInstruction[0] && request.dosageInstruction[0].doseAndRate
    && request.dosageInstruction[0].doseAndRate[0] && request.dosageInstruction[0].doseAndRate[0].rateQuantity;
  return rate ? valueText({valueQuantity: rate}) : '';
}

function pumpOf(request) {
  const pump = (request.supportingInformation || []).find(reference => (reference.reference || '').startsWith('Device/'));
  return pump ? pump.reference : null;
}

/** The pump checks' answer for {@code request} as it stands (its id and narrative left out: a check stores nothing). */
async function checkPrescription(session, request) {
  const parameter = [{name: 'medicationRequest', resource: {...request, id: undefined, meta: undefined, text: undefined}}];
  if (pumpOf(request)) {
    parameter.push({name: 'pump', valueReference: {reference: pumpOf(request)}});
  }
  const response = await post(session, 'MedicationRequest/$check-pump-prescription', {resourceType: 'Parameters', parameter});
  return {ok: response.ok, answer: await response.json().catch(() => ({}))};
}

export async function orders(session, main) {
  const bundle = await read(session, 'MedicationRequest?_sort=-authoredon&_count=50&_include=MedicationRequest:subject');
  const patients = byReference(bundle);
  const requests = resources(bundle, 'MedicationRequest');
  show(main,
    h('h1', {}, 'Pump orders'),
    requests.length === 0 ? h('p', {}, 'No pump orders for your pharmacy.') : table(['Patient', 'Medication', 'Daily dose', 'Status'],
      requests.map(request => h('tr', {'data-order': request.id},
        h('td', {}, personName(patients.get(request.subject.reference))),
        h('td', {}, h('a', {href: '#/order/' + request.id}, ingredientsText(request))),
        h('td', {}, dailyDose(request)),
        h('td', {}, request.status)))));
}

/** The order as a form; every change is checked against the pump rules at once, nothing is stored. */
export async function order(session, main, id) {
  const request = await read(session, 'MedicationRequest/' + id);
  const medication = medicationOf(request);
  const findings = h('section', {class: 'findings', 'aria-live': 'polite'});
  const rate = request.dosageInstruction[0].doseAndRate[0].rateQuantity;
  const field = (labelText, name, value, attributes = {}) => h('label', {}, labelText + ' ', h('input', {name, value: String(value), ...attributes}));
  const ingredientRows = (medication.ingredient || []).map((ingredient, index) => h('fieldset', {'data-ingredient': String(index)},
    h('legend', {}, codeText(ingredient.itemCodeableConcept)),
    field('Concentration', 'strength-' + index, ingredient.strength.numerator.value, {type: 'number', step: 'any', min: '0', inputmode: 'decimal'}),
    h('span', {}, ' ' + ingredient.strength.numerator.code + '/' + ingredient.strength.denominator.code)));
  const form = h('form', {class: 'prescription'},
    ingredientRows,
    h('fieldset', {}, h('legend', {}, 'Dose'),
      field('Daily dose', 'rate', rate.value, {type: 'number', step: 'any', min: '0', inputmode: 'decimal'}), h('span', {}, ' ' + rate.code)));
  let timer = null;
  let checksAsked = 0;
  const check = async () => {
    const edited = JSON.parse(JSON.stringify(request));
    medicationOf(edited).ingredient.forEach((ingredient, index) => {
      ingredient.strength.numerator.value = Number(form.elements['strength-' + index].value);
    });
    edited.dosageInstruction[0].doseAndRate[0].rateQuantity.value = Number(form.elements.rate.value);
    // A slow answer to an earlier version of the form must not replace the answer to the latest.
    const asked = ++checksAsked;
    const {ok, answer} = await checkPrescription(session, edited);
    if (asked === checksAsked) {
      show(findings, checkResult(answer, ok));
    }
  };
  form.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(check, CHECK_DELAY_MS);
  });
  show(main,
    h('h1', {}, 'Pump order'),
    h('p', {class: 'muted'}, ingredientsText(request) + ', ' + dailyDose(request) + (pumpOf(request) ? ', pump ' + pumpOf(request) : '')),
    form,
    h('h2', {}, 'Pump checks'),
    findings);
  await check();
}

function parameterValue(parameters, name) {
  return (parameters.parameter || []).filter(parameter => parameter.name === name);
}

function checkResult(answer, ok) {
  if (!ok || answer.resourceType === 'OperationOutcome') {
    return h('div', {'data-check-status': 'invalid'}, h('p', {class: 'error'}, 'The prescription cannot be checked as written:'),
      issues(answer.resourceType === 'OperationOutcome' ? answer : null));
  }
  const status = parameterValue(answer, 'status')[0].valueCode;
  const interval = parameterValue(answer, 'refillIntervalDays')[0];
  const volume = parameterValue(answer, 'dailyVolume')[0];
  const outcome = parameterValue(answer, 'outcome')[0];
  return h('div', {'data-check-status': status},
    h('dl', {},
      h('dt', {}, 'Status'), h('dd', {class: status === 'REJECT' ? 'error' : ''}, status),
      h('dt', {}, 'Daily volume'), h('dd', {}, volume ? valueText(volume) : ''),
      h('dt', {}, 'Refill interval'), h('dd', {'data-refill-interval': ''}, interval ? interval.valueInteger + ' days' : ''),
      h('dt', {}, 'Limited by'), h('dd', {}, parameterValue(answer, 'limitingFactor').map(factor => factor.valueCode).join(', '))),
    issues(outcome ? outcome.resource : null));
}

function issues(outcome) {
  if (!outcome) {
    return null;
  }
  return h('ul', {class: 'rules'}, (outcome.issue || []).map(issue => {
    const rule = issue.details && (issue.details.coding || []).find(coding => coding.system === RULE_SYSTEM);
    return h('li', {'data-rule': rule ? rule.code : ''}, h('b', {}, (rule ? rule.code + ' ' : '') + issue.severity + ': '),
      (issue.details && issue.details.text) || issue.diagnostics || '');
  }));
}

/**
 * When each pump is next filled: its last dispense and the refill interval the checks give the order.
 * (The refill Appointment the server keeps from pump readings is outside a pharmacy's reach.)
 */
export async function refills(session, main) {
  const [orderBundle, dispenseBundle] = await Promise.all([
    read(session, 'MedicationRequest?status=active&_count=50&_include=MedicationRequest:subject'),
    read(session, 'MedicationDispense?_sort=-whenhandedover&_count=200'),
  ]);
  const patients = byReference(orderBundle);
  const dispenses = resources(dispenseBundle, 'MedicationDispense');
  const rows = await Promise.all(resources(orderBundle, 'MedicationRequest').map(async request => {
    const last = dispenses.find(dispense => (dispense.authorizingPrescription || []).some(reference => reference.reference === 'MedicationRequest/' + request.id));
    const {ok, answer} = await checkPrescription(session, request);
    const interval = ok ? parameterValue(answer, 'refillIntervalDays')[0] : null;
    let due = null;
    if (last && last.whenHandedOver && interval) {
      due = new Date(last.whenHandedOver);
      due.setDate(due.getDate() + interval.valueInteger);
    }
    return {request, last, interval, due};
  }));
  rows.sort((a, b) => (a.due ? a.due.getTime() : Infinity) - (b.due ? b.due.getTime() : Infinity));
  show(main,
    h('h1', {}, 'Refill calendar'),
    h('p', {class: 'muted'}, "Each active pump order's next refill: its last dispense plus the refill interval the pump checks give it."),
    rows.length === 0 ? h('p', {}, 'No active pump orders.') : table(['Refill due', 'Patient', 'Medication', 'Last dispensed', 'Interval'],
      rows.map(({request, last, interval, due}) => h('tr', {'data-refill': request.id},
        h('td', {}, due ? formatDay(due) : 'not yet dispensed'),
        h('td', {}, personName(patients.get(request.subject.reference))),
        h('td', {}, h('a', {href: '#/order/' + request.id}, ingredientsText(request))),
        h('td', {}, last ? formatDay(last.whenHandedOver) : '—'),
        h('td', {}, interval ? interval.valueInteger + ' days' : '—')))));
}

export async function dispenses(session, main) {
  const bundle = await read(session, 'MedicationDispense?_sort=-whenhandedover&_count=50&_include=MedicationDispense:subject');
  const patients = byReference(bundle);
  const list = resources(bundle, 'MedicationDispense');
  show(main,
    h('h1', {}, 'Dispenses'),
    list.length === 0 ? h('p', {}, 'No dispenses.') : table(['Handed over', 'Patient', 'Medication', 'Quantity', 'Lot', 'Status'],
      list.map(dispense => {
        const medication = medicationOf(dispense);
        return h('tr', {'data-dispense': dispense.id},
          h('td', {}, formatDay(dispense.whenHandedOver)),
          h('td', {}, personName(patients.get(dispense.subject.reference))),
          h('td', {}, ingredientsText(dispense)),
          h('td', {}, dispense.quantity ? valueText({valueQuantity: dispense.quantity}) : ''),
          h('td', {}, medication && medication.batch ? medication.batch.lotNumber : ''),
          h('td', {}, dispense.status));
      })));
}
