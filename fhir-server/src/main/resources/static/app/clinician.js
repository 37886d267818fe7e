// The clinician's pages: the triage worklist and a patient's devices, latest interrogation, alerts and trends.
import {h, show, table} from './dom.js';
import {byReference, codeText, formatDate, formatDay, personName, post, read, resources, valueText} from './fhir.js';
import {CARDX, TERMS, TRENDS, components, firstValue, label, loadLabels, measurementTable, readableValue} from './idco.js';
import {trendChart} from './charts.js';
import {ecgViewer} from './ecg.js';

const REMOTE_MONITORING = 'https://openimd.org/fhir/CodeSystem/remote-monitoring';
const CARDIAC_WAVEFORM = 'https://openimd.org/fhir/CodeSystem/cardiac-waveform';
const PRIORITIES = ['stat', 'urgent', 'routine'];
const PRIORITY_WORDS = {stat: 'Immediate', urgent: 'Urgent', routine: 'Routine'};

export function priorityBadge(priority) {
  const known = PRIORITIES.includes(priority) ? priority : 'routine';
  return h('span', {class: 'priority priority-' + known}, PRIORITY_WORDS[known]);
}

export async function worklist(session, main) {
  const bundle = await read(session, 'Task?code=' + encodeURIComponent(REMOTE_MONITORING + '|transmission-review')
    + '&status=requested,in-progress&_sort=triage-rank,authored-on&_include=Task:patient&_count=100');
  const tasks = resources(bundle, 'Task');
  const included = byReference(bundle);
  const counts = PRIORITIES.map(priority => h('span', {}, priorityBadge(priority), ' ',
    h('b', {'data-priority-count': priority}, String(tasks.filter(task => (task.priority || 'routine') === priority).length))));
  const rows = tasks.map(task => {
    const patient = included.get(task.for && task.for.reference);
    const patientId = task.for && task.for.reference ? task.for.reference.split('/')[1] : null;
    const alerts = (task.input || []).length;
    return h('tr', {'data-task': task.id},
      h('td', {}, priorityBadge(task.priority)),
      h('td', {}, patientId ? h('a', {href: '#/patient/' + patientId}, personName(patient) || task.for.reference) : ''),
      h('td', {}, formatDate(task.authoredOn)),
      h('td', {class: 'number'}, String(alerts)),
      h('td', {}, task.status === 'in-progress' ? 'In progress' : 'New'));
  });
  show(main,
    h('h1', {}, 'Worklist'),
    h('p', {class: 'muted'}, 'Transmissions waiting for review, most urgent first, oldest first within a priority.'),
    h('div', {class: 'counts', 'aria-label': 'Transmissions by priority'}, counts),
    tasks.length === 0 ? h('p', {}, 'Nothing waiting for review.')
      : table(['Priority', 'Patient', 'Received', 'Alerts', 'Status'], rows));
}

/** The patient page: everything a clinician looks at in a follow-up. */
export async function patientPage(session, main, patientId, {plain = false} = {}) {
  await loadLabels();
  // A patient's own pages show their devices and latest transmission only: nothing else is asked for.
  const [patient, devices, interrogations, ...clinical] = await Promise.all([
    read(session, 'Patient/' + patientId),
    read(session, 'Device?patient=' + patientId + '&_count=50'),
    read(session, 'Observation?patient=' + patientId + '&code=' + encodeURIComponent(CARDX + '|IDCO') + '&_sort=date&_count=200'),
    ...(plain ? [] : [
      read(session, 'DetectedIssue?patient=' + patientId + '&_sort=-identified&_count=20'),
      read(session, 'Observation?patient=' + patientId + '&code=' + encodeURIComponent(CARDIAC_WAVEFORM + '|ecg-strip,'
        + CARDIAC_WAVEFORM + '|egm-episode') + '&_sort=-date&_count=20&_elements=code,effective,subject'),
      read(session, 'DocumentReference?patient=' + patientId + '&_sort=-date&_count=20'),
      read(session, 'Communication?subject=Patient/' + patientId + '&_sort=-sent&_count=20'),
    ]),
  ]);
  const observations = resources(interrogations, 'Observation');
  const latest = observations[observations.length - 1] || null;
  show(main,
    h('h1', {}, personName(patient)),
    h('p', {class: 'muted'}, patient.birthDate ? 'Born ' + patient.birthDate : ''),
    h('div', {class: 'summary'},
      h('section', {}, h('h2', {}, plain ? 'Your devices' : 'Devices and leads'), deviceCards(resources(devices, 'Device'), latest)),
      h('section', {}, h('h2', {}, 'Battery'), battery(latest))),
    plain ? null : clinicalSections(session, observations, ...clinical),
    h('h2', {}, plain ? 'Your latest transmission' : 'Latest interrogation'),
    latest ? interrogation(latest) : h('p', {}, 'No interrogation yet.'));
}

function clinicalSections(session, observations, issues, waveforms, documents, notices) {
  return [
    h('h2', {}, 'Alerts'), alerts(resources(issues, 'DetectedIssue')),
    h('h2', {id: 'trends'}, 'Trends'), trends(observations),
    h('h2', {}, 'ECG strips and EGM episodes'), recordings(session, resources(waveforms, 'Observation')),
    h('h2', {}, 'EGM documents'), egmDocuments(session, resources(documents, 'DocumentReference')),
    h('h2', {}, 'Analyses and notices'), receivedNotices(resources(notices, 'Communication')),
  ];
}

function deviceCards(devices, latest) {
  if (devices.length === 0) {
    return h('p', {}, 'No implanted device on record.');
  }
  const generators = devices.filter(device => !device.parent);
  return h('div', {class: 'cards'}, generators.map(generator => {
    const leads = devices.filter(device => device.parent && device.parent.reference === 'Device/' + generator.id);
    const implanted = latest && latest.device && latest.device.reference === 'Device/' + generator.id
      ? firstValue(latest, TERMS.deviceImplantDate) : null;
    const leadImplants = latest ? components(latest, TERMS.leadImplantDate) : [];
    return h('article', {class: 'card', 'data-device': generator.id},
      h('h3', {}, label(generator.type) || 'Implanted device'),
      h('dl', {},
        h('dt', {}, 'Manufacturer'), h('dd', {}, generator.manufacturer || ''),
        h('dt', {}, 'Model'), h('dd', {}, generator.modelNumber || ''),
        h('dt', {}, 'Serial number'), h('dd', {}, generator.serialNumber || ''),
        h('dt', {}, 'Implanted'), h('dd', {}, implanted ? valueText(implanted) : 'not reported')),
      leads.length ? h('h4', {}, 'Leads') : null,
      leads.length ? h('ul', {}, leads.map((lead, index) => h('li', {'data-lead': lead.id},
        [leadLocation(lead), lead.manufacturer, lead.modelNumber, 'serial ' + lead.serialNumber].filter(Boolean).join(' · '),
        leadImplants[index] ? ', implanted ' + valueText(leadImplants[index]) : ''))) : null);
  }));
}

function leadLocation(lead) {
  const property = (lead.property || []).find(p => (p.type.coding || []).some(coding => coding.code === TERMS.leadLocation));
  return property ? codeText(property.valueCode && property.valueCode[0]) : null;
}

function battery(latest) {
  if (!latest) {
    return h('p', {}, 'No battery measurement yet.');
  }
  const status = firstValue(latest, TERMS.batteryStatus);
  const voltage = firstValue(latest, TERMS.batteryVoltage);
  const longevity = firstValue(latest, TERMS.remainingLongevity);
  let replacement = 'not reported';
  if (longevity && longevity.valueQuantity && latest.effectiveDateTime) {
    const when = new Date(latest.effectiveDateTime);
    when.setMonth(when.getMonth() + Math.round(longevity.valueQuantity.value));
    replacement = 'about ' + when.toLocaleDateString(undefined, {year: 'numeric', month: 'long'}) + ' (' + valueText(longevity)
      + ' from ' + formatDay(latest.effectiveDateTime) + ')';
  }
  return h('dl', {class: 'battery'},
    h('dt', {}, 'Status'), h('dd', {'data-battery': 'status'}, status ? readableValue(status) : 'not reported'),
    h('dt', {}, 'Voltage'), h('dd', {}, voltage ? valueText(voltage) : 'not reported'),
    h('dt', {}, 'Projected replacement'), h('dd', {'data-battery': 'replacement'}, replacement));
}

function interrogation(observation) {
  return h('section', {'data-interrogation': observation.id},
    h('p', {}, 'Taken ' + formatDate(observation.effectiveDateTime) + '.'),
    measurementTable(observation));
}

function alerts(issues) {
  if (issues.length === 0) {
    return h('p', {}, 'No alerts.');
  }
  return table(['Raised', 'Alert', 'Severity', 'Acknowledged'], issues.map(issue => h('tr', {'data-alert': issue.id},
    h('td', {}, formatDate(issue.identifiedDateTime)),
    h('td', {}, codeText(issue.code) + (issue.detail ? ': ' + issue.detail : '')),
    h('td', {}, issue.severity || ''),
    h('td', {}, issue.mitigation && issue.mitigation.length ? 'yes' : 'no'))));
}

function trends(observations) {
  const charts = TRENDS.map(trend => {
    const points = trend.series.map(([, code]) => observations.flatMap(observation => components(observation, code)
      .filter(component => component.valueQuantity && observation.effectiveDateTime)
      // One point per transmission: a term sent for several instances (shock channels) charts its first.
      .slice(0, 1)
      .map(component => [Date.parse(observation.effectiveDateTime), component.valueQuantity.value])));
    return points.some(series => series.length) ? trendChart(trend.title, trend.unit, trend.series.map(([name]) => name), points) : null;
  }).filter(Boolean);
  return charts.length ? h('div', {class: 'charts'}, charts) : h('p', {}, 'No measurements to chart yet.');
}

function egmDocuments(session, documents) {
  const pdfs = documents.filter(document => (document.content || []).some(content => content.attachment?.contentType === 'application/pdf'));
  if (pdfs.length === 0) {
    return h('p', {}, 'No EGM documents.');
  }
  return h('ul', {}, pdfs.map(document => {
    const attachment = document.content.find(content => content.attachment?.contentType === 'application/pdf').attachment;
    const button = h('button', {class: 'secondary', type: 'button'}, 'Show');
    const item = h('li', {'data-document': document.id}, (document.description || codeText(document.type) || 'EGM') + ', ' + formatDate(document.date) + ' ', button);
    button.addEventListener('click', async () => {
      // IDCO carries an EGM as a PDF inside the message, so most come inline; a linked one is fetched with the token.
      const pdf = attachment.data
        ? new Blob([Uint8Array.from(atob(attachment.data), character => character.charCodeAt(0))], {type: 'application/pdf'})
        : await (await session.request(attachment.url, {headers: {Accept: 'application/pdf'}})).blob();
      item.append(h('iframe', {src: URL.createObjectURL(pdf), title: 'EGM document', width: '100%', height: '600'}));
      button.disabled = true;
    });
    return item;
  }));
}

/** Each recording drawn on ECG paper when asked for (its samples are large), and sent for review with a question. */
function recordings(session, observations) {
  if (observations.length === 0) {
    return h('p', {}, 'No recordings.');
  }
  return h('ul', {class: 'recordings'}, observations.map(observation => {
    const title = codeText(observation.code) + ', ' + formatDate(observation.effectiveDateTime);
    const item = h('li', {'data-recording': observation.id}, h('span', {}, title, ' '));
    const showButton = h('button', {type: 'button', class: 'secondary'}, 'Show on ECG paper');
    showButton.addEventListener('click', async () => {
      showButton.disabled = true;
      item.append(ecgViewer(await read(session, 'Observation/' + observation.id), title));
    });
    const question = h('input', {name: 'question', 'aria-label': 'Question for the reviewers (names no patient)', placeholder: 'Question for the reviewers'});
    const sent = h('span', {'aria-live': 'polite'});
    const review = h('form', {class: 'send-for-review'}, question, h('button', {type: 'submit'}, 'Send for review'), sent);
    review.addEventListener('submit', async event => {
      event.preventDefault();
      const parameter = [{name: 'dataSet', valueReference: {reference: 'Observation/' + observation.id}}];
      if (question.value.trim()) {
        parameter.push({name: 'question', valueString: question.value.trim()});
      }
      const response = await post(session, '$submit-for-review', {resourceType: 'Parameters', parameter});
      sent.textContent = response.ok ? ' Sent for review.' : ' Not sent (' + response.status + ').';
      sent.className = response.ok ? 'done' : 'error';
    });
    item.append(showButton, review);
    return item;
  }));
}

function receivedNotices(communications) {
  if (communications.length === 0) {
    return h('p', {}, 'No analyses or notices yet.');
  }
  return table(['Sent', 'About', 'Message'], communications.map(communication => h('tr', {'data-notice': communication.id},
    h('td', {}, formatDate(communication.sent)),
    h('td', {}, (communication.topic && codeText(communication.topic)) || (communication.category || []).map(codeText).join(', ')),
    h('td', {}, (communication.payload || []).map(payload => payload.contentString).filter(Boolean).join(' ')))));
}
