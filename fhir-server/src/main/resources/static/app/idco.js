// IDCO (IEEE 11073-10103) terms as people read them, by the labels the server publishes with the app.
import {h, table} from './dom.js';
import {valueText} from './fhir.js';

const MDC = 'urn:iso:std:iso:11073:10101';
export const CARDX = 'http://hl7.org/fhir/uv/cardx-cied/CodeSystem/CardXCIED';

export const TERMS = {
  deviceImplantDate: '720901',
  leadImplantDate: '720964',
  leadLocation: '720966',
  batteryStatus: '721280',
  batteryVoltage: '721344',
  remainingLongevity: '721472',
};

/** The trends a clinician follows, each a chart; where a measure has an atrial and a ventricular channel, both. */
export const TRENDS = [
  {title: 'Lead impedance', unit: 'Ω', series: [['RA', '722432'], ['RV', '722433']]},
  {title: 'Capture threshold', unit: 'V', series: [['RA', '722176'], ['RV', '722177']]},
  {title: 'Sensed amplitude', unit: 'mV', series: [['RA', '722048'], ['RV', '722052']]},
  {title: 'Battery voltage', unit: 'V', series: [['Battery', '721344']]},
  {title: 'AT/AF burden', unit: '%', series: [['AT/AF', '737696']]},
  {title: 'Percent paced', unit: '%', series: [['RA', '737520'], ['RV', '737536']]},
];

let labels = null;

/** The readable labels of IDCO terms by code, which the server publishes with the app (terminology, no patient's data). */
export async function loadLabels() {
  if (!labels) {
    const response = await fetch('/app/idco-labels.json', {headers: {Accept: 'application/json'}});
    labels = new Map(Object.entries(response.ok ? await response.json() : {}));
  }
  return labels;
}

function mdcCode(concept) {
  const coding = (concept && concept.coding || []).find(coding => coding.system === MDC);
  return coding ? coding.code : null;
}

export function label(concept) {
  const code = mdcCode(concept);
  return (code && labels && labels.get(code)) || (concept && (concept.text || (concept.coding || [])[0]?.display)) || '';
}

/** The components of one IdcoObservation with this term, across instances. */
export function components(observation, code) {
  return (observation.component || []).filter(component => mdcCode(component.code) === code);
}

export function firstValue(observation, code) {
  return components(observation, code)[0] || null;
}

/** A component's value as people read it: coded values by their label too. */
export function readableValue(component) {
  return component.valueCodeableConcept ? label(component.valueCodeableConcept) : valueText(component);
}

/** An IdcoObservation's measurements, each by its label with its value. */
export function measurementTable(observation) {
  return table(['Measurement', 'Value'], (observation.component || []).map(component => h('tr', {},
    h('td', {}, label(component.code)), h('td', {}, readableValue(component)))));
}
