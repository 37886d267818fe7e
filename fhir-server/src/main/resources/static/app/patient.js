// The patient's own pages: transmissions and when the next is due, and messages with their clinic.
import {h, show, table} from './dom.js';
import {codeText, formatDate, formatDay, post, read, refusal, resources} from './fhir.js';

const REMOTE_MONITORING = 'https://openimd.org/fhir/CodeSystem/remote-monitoring';

function ownId(session) {
  return session.patient.split('/').pop();
}

export async function transmissions(session, main) {
  const id = ownId(session);
  const [reports, schedules] = await Promise.all([
    read(session, 'DiagnosticReport?subject=Patient/' + id + '&_sort=-date&_count=20'),
    read(session, 'CarePlan?subject=Patient/' + id + '&category=' + encodeURIComponent(REMOTE_MONITORING + '|transmission-schedule')),
  ]);
  const due = resources(schedules, 'CarePlan').flatMap(plan => (plan.activity || []).map(activity => activity.detail && activity.detail.scheduledPeriod))
    .filter(period => period && period.end).map(period => period.end).sort();
  show(main,
    h('h1', {}, 'Your transmissions'),
    h('p', {class: 'next-due', 'data-next-due': due[0] || ''}, due.length ? 'Your next transmission is due by ' + formatDay(due[0])
      + '. Your home monitor usually sends it by itself; keep it plugged in near where you sleep.' : 'No transmission is scheduled yet.'),
    table(['Sent', 'Kind'], resources(reports, 'DiagnosticReport').map(report => h('tr', {'data-transmission': report.id},
      h('td', {}, formatDate(report.effectiveDateTime)),
      h('td', {}, (report.category || []).map(codeText).filter(Boolean).join(', ') || 'Device check')))));
}

export async function messages(session, main) {
  const id = ownId(session);
  const [communications, teams] = await Promise.all([
    read(session, 'Communication?subject=Patient/' + id + '&_sort=-sent&_count=50'),
    read(session, 'CareTeam?subject=Patient/' + id + '&status=active'),
  ]);
  const careTeam = resources(teams, 'CareTeam')[0];
  const text = h('textarea', {id: 'message', name: 'message', rows: '4', required: true});
  const status = h('p', {'aria-live': 'polite'});
  const form = h('form', {class: 'answer'}, h('label', {for: 'message'}, 'Write to your clinic'), text,
    h('button', {type: 'submit', disabled: !careTeam}, 'Send'), status);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const message = {resourceType: 'Communication', status: 'completed', subject: {reference: 'Patient/' + id},
      sender: {reference: 'Patient/' + id}, recipient: [{reference: 'CareTeam/' + careTeam.id}], sent: new Date().toISOString(),
      payload: [{contentString: text.value}]};
    const response = await post(session, 'Communication', message);
    if (response.ok) {
      await messages(session, main);
    } else {
      status.textContent = 'Not sent: ' + await refusal(response);
      status.className = 'error';
    }
  });
  show(main,
    h('h1', {}, 'Messages'),
    careTeam ? h('p', {class: 'muted'}, 'To ' + (careTeam.name || 'your care team') + '.') : h('p', {}, 'You have no care team to write to yet.'),
    form,
    h('h2', {}, 'Messages and notices'),
    resources(communications, 'Communication').length === 0 ? h('p', {}, 'No messages yet.')
      : h('ul', {class: 'messages'}, resources(communications, 'Communication').map(communication => h('li', {'data-message': communication.id},
        h('p', {class: 'muted'}, formatDate(communication.sent) + ', '
          + (communication.sender && communication.sender.reference === 'Patient/' + id ? 'you wrote' : 'from your clinic')
          + (communication.topic ? ' (' + codeText(communication.topic) + ')' : '')),
        h('p', {}, (communication.payload || []).map(payload => payload.contentString).filter(Boolean).join(' '))))));
}

