// The reviewer's pages: their assignments, and each de-identified copy with its waveforms on ECG paper and the answer form.
import {h, show, table} from './dom.js';
import {codeText, formatDate, post, read, refusal, resources} from './fhir.js';
import {ecgViewer, isWaveform} from './ecg.js';
import {loadLabels, measurementTable} from './idco.js';

const REVIEW = 'https://openimd.org/fhir/CodeSystem/review';
const SNOMED = 'http://snomed.info/sct';

function question(task) {
  const input = (task.input || []).find(input => (input.type.coding || []).some(coding => coding.code === 'question'));
  return input ? input.valueString : null;
}

export async function assignments(session, main) {
  const bundle = await read(session, 'Task?code=' + encodeURIComponent(REVIEW + '|review-assignment') + '&_sort=-authored-on&_count=100');
  const tasks = resources(bundle, 'Task');
  const open = tasks.filter(task => task.status === 'requested' || task.status === 'in-progress');
  const rows = tasks.map(task => h('tr', {'data-assignment': task.id},
    h('td', {}, formatDate(task.authoredOn)),
    h('td', {}, h('a', {href: '#/assignment/' + task.id}, question(task) || 'Data set to review')),
    h('td', {}, task.status === 'completed' ? 'Answered' : task.status === 'cancelled' ? 'Withdrawn' : 'Waiting for you')));
  show(main,
    h('h1', {}, 'Assignments'),
    h('p', {class: 'muted'}, open.length + ' waiting for your analysis. Each data set is a de-identified copy: it names no patient.'),
    tasks.length ? table(['Sent', 'Question', 'Status'], rows) : h('p', {}, 'No assignments.'));
}

export async function assignment(session, main, taskId) {
  await loadLabels();
  const task = await read(session, 'Task/' + taskId);
  const copy = await read(session, task.focus.reference);
  const items = resources(copy);
  const waveforms = items.filter(isWaveform);
  const measurements = items.filter(item => item.resourceType === 'Observation' && !isWaveform(item) && item.component);
  const answered = task.status === 'completed';
  show(main,
    h('h1', {}, 'Assignment'),
    question(task) ? h('p', {class: 'question'}, h('b', {}, 'Question: '), question(task)) : null,
    h('p', {class: 'muted'}, 'A de-identified copy: ' + items.length + ' records, dates to the year.'),
    waveforms.map((waveform, index) => ecgViewer(waveform, codeText(waveform.code) + ' ' + (index + 1))),
    measurements.map(observation => h('section', {}, h('h2', {}, 'Measurements'), measurementTable(observation))),
    h('h2', {}, 'Your analysis'),
    answered ? h('p', {}, 'You have answered this assignment.') : answerForm(session, task));
}

function answerForm(session, task) {
  const conclusion = h('textarea', {id: 'conclusion', name: 'conclusion', rows: '4', required: true});
  const codes = h('div', {class: 'codes'});
  const status = h('p', {'aria-live': 'polite'});
  const addCode = () => {
    const index = codes.children.length;
    codes.append(h('div', {class: 'code-row'},
      h('label', {}, 'SNOMED CT code ', h('input', {name: 'code', inputmode: 'numeric', pattern: '[0-9]{6,18}', 'aria-describedby': 'code-help'})),
      h('label', {}, 'Meaning ', h('input', {name: 'display', 'data-index': String(index)}))));
  };
  addCode();
  const form = h('form', {class: 'answer'},
    h('label', {for: 'conclusion'}, 'Conclusion'), conclusion,
    h('fieldset', {}, h('legend', {}, 'Coded diagnoses'), h('p', {id: 'code-help', class: 'muted'},
      'SNOMED CT concepts where one exists: they let later similar cases find this one.'), codes,
      h('button', {type: 'button', class: 'secondary', onclick: addCode}, 'Add a diagnosis')),
    h('button', {type: 'submit'}, 'Send analysis'), status);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const parameter = [{name: 'conclusion', valueString: conclusion.value}];
    for (const row of codes.children) {
      const code = row.querySelector('[name=code]').value.trim();
      if (code) {
        parameter.push({name: 'conclusionCode', valueCodeableConcept: {coding: [{system: SNOMED, code,
          display: row.querySelector('[name=display]').value.trim() || undefined}]}});
      }
    }
    const response = await post(session, 'Task/' + task.id + '/$submit-analysis', {resourceType: 'Parameters', parameter});
    if (response.ok) {
      show(form, h('p', {class: 'done'}, 'Thank you: your analysis was sent to the physician who asked.'));
    } else {
      status.textContent = 'Not sent: ' + await refusal(response);
      status.className = 'error';
    }
  });
  return form;
}
