// The administrator's pages: accounts (a new one's authenticator QR code shown once), clients, and the audit trail.
import {h, show, table} from './dom.js';
import {codeText, formatDate, read, resources} from './fhir.js';

const ROLES = ['clinician', 'patient', 'pharmacist', 'reviewer', 'manufacturer', 'admin'];

async function admin(session, path, options = {}) {
  const response = await session.request(location.origin + path,
    {...options, headers: {Accept: 'application/json', ...(options.body ? {'Content-Type': 'application/json'} : {}), ...(options.headers || {})}});
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    throw new Error((body && (body.detail || body.message)) || 'The server answered ' + response.status);
  }
  return body;
}

function field(labelText, input) {
  return h('label', {}, labelText + ' ', input);
}

export async function users(session, main) {
  const accounts = await admin(session, '/admin/users');
  const created = h('section', {'aria-live': 'polite'});
  const form = h('form', {class: 'admin-form'},
    field('Username', h('input', {name: 'username', required: true, autocomplete: 'off'})),
    field('First password', h('input', {name: 'password', type: 'password', required: true, autocomplete: 'new-password', minlength: '12'})),
    field('Role', h('select', {name: 'role'}, ROLES.map(role => h('option', {value: role.toUpperCase()}, role)))),
    field('Their FHIR record (Patient/… or Practitioner/…)', h('input', {name: 'fhirUser', pattern: '(Patient|Practitioner)/[A-Za-z0-9.-]+'})),
    field('Organization (Organization/…), for a pharmacist or manufacturer', h('input', {name: 'organization', pattern: 'Organization/[A-Za-z0-9.-]+'})),
    h('button', {type: 'submit'}, 'Create account'));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const values = Object.fromEntries(new FormData(form));
    Object.keys(values).forEach(name => values[name] === '' && delete values[name]);
    try {
      const account = await admin(session, '/admin/users', {method: 'POST', body: JSON.stringify(values)});
      form.reset();
      show(created, enrolment(account));
    } catch (error) {
      show(created, h('p', {class: 'error'}, error.message));
    }
  });
  show(main,
    h('h1', {}, 'Accounts'),
    table(['Username', 'Role', 'FHIR record', 'Organization', 'Sign-in'], accounts.map(account => h('tr', {'data-user': account.username},
      h('td', {}, account.username), h('td', {}, String(account.role).toLowerCase()), h('td', {}, account.fhirUser || ''),
      h('td', {}, account.organization || ''), h('td', {}, account.locked ? 'locked for now' : 'open')))),
    h('h2', {}, 'New account'), form, created);
}

/** What the new person needs to enrol, shown this once: the server keeps the secret, and shows it to nobody again. */
function enrolment(account) {
  return h('div', {class: 'enrolment', 'data-enrolment': account.username},
    h('h2', {}, 'Account ' + account.username + ' created'),
    h('p', {}, 'Give these to ' + account.username + ' now: they are not shown again. They scan the code with their authenticator app.'),
    h('img', {src: 'data:image/svg+xml;base64,' + btoa(account.otpauthQrCode), alt: 'QR code to enrol ' + account.username
      + ' in an authenticator app', width: '220', height: '220'}),
    h('p', {}, 'Or type the secret: ', h('code', {}, account.totpSecret)),
    h('p', {}, 'Recovery codes, each good once if the authenticator is lost:'),
    h('ul', {class: 'recovery'}, account.recoveryCodes.map(code => h('li', {}, h('code', {}, code)))));
}

export async function clients(session, main) {
  const registered = await admin(session, '/admin/clients');
  const answer = h('section', {'aria-live': 'polite'});
  const form = h('form', {class: 'admin-form'},
    field('Kind', h('select', {name: 'type'}, ['public', 'confidential', 'backend'].map(type => h('option', {value: type}, type)))),
    field('Client id', h('input', {name: 'clientId', required: true})),
    field('Name', h('input', {name: 'name'})),
    field('Redirect URIs (one per line; apps)', h('textarea', {name: 'redirectUris', rows: '2'})),
    field('Scopes (space-separated)', h('input', {name: 'scopes', required: true})),
    field('Public keys as a JWK Set (backend)', h('textarea', {name: 'jwks', rows: '3'})),
    h('button', {type: 'submit'}, 'Register client'));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const values = Object.fromEntries(new FormData(form));
    const client = {type: values.type, clientId: values.clientId, name: values.name || undefined, scopes: values.scopes.split(/\s+/).filter(Boolean),
      redirectUris: values.redirectUris.split(/\s+/).filter(Boolean)};
    try {
      if (values.jwks.trim()) {
        client.jwks = JSON.parse(values.jwks);
      }
      const registeredClient = await admin(session, '/admin/clients', {method: 'POST', body: JSON.stringify(client)});
      show(answer, h('p', {class: 'done'}, 'Registered ' + registeredClient.clientId + '.'),
        registeredClient.clientSecret ? h('p', {}, 'Its secret, shown this once: ', h('code', {}, registeredClient.clientSecret)) : null);
      form.reset();
    } catch (error) {
      show(answer, h('p', {class: 'error'}, error.message));
    }
  });
  show(main,
    h('h1', {}, 'Clients'),
    table(['Client id', 'Name', 'Kind', 'Scopes', 'Redirect URIs'], registered.map(client => h('tr', {'data-client': client.clientId},
      h('td', {}, client.clientId), h('td', {}, client.name), h('td', {}, client.type), h('td', {}, client.scopes.join(' ')),
      h('td', {}, client.redirectUris.join(' '))))),
    h('h2', {}, 'Register a client'), form, answer);
}

export async function audit(session, main) {
  const results = h('section', {'aria-live': 'polite'});
  const form = h('form', {class: 'admin-form audit-search'},
    field('From', h('input', {name: 'from', type: 'date'})),
    field('To', h('input', {name: 'to', type: 'date'})),
    field('Outcome', h('select', {name: 'outcome'}, h('option', {value: ''}, 'any'), h('option', {value: '0'}, 'success'),
      h('option', {value: '4,8,12'}, 'failure'))),
    field('About patient (id)', h('input', {name: 'patient', pattern: '[A-Za-z0-9.-]+'})),
    h('button', {type: 'submit'}, 'Search'));
  const search = async () => {
    const values = Object.fromEntries(new FormData(form));
    const query = new URLSearchParams({_sort: '-date', _count: '50'});
    if (values.from) {
      query.append('date', 'ge' + values.from);
    }
    if (values.to) {
      query.append('date', 'le' + values.to);
    }
    if (values.outcome) {
      query.append('outcome', values.outcome);
    }
    if (values.patient) {
      query.append('patient', 'Patient/' + values.patient);
    }
    const events = resources(await read(session, 'AuditEvent?' + query), 'AuditEvent');
    show(results, events.length === 0 ? h('p', {}, 'No audit events match.') : table(['When', 'What', 'Outcome', 'Who', 'About', 'From'],
      events.map(event => h('tr', {'data-audit-event': event.id},
        h('td', {}, formatDate(event.recorded)),
        h('td', {}, [codeText({coding: [event.type]}), ...(event.subtype || []).map(subtype => codeText({coding: [subtype]}))].filter(Boolean).join(': ')),
        h('td', {}, event.outcome === '0' ? 'success' : 'failure' + (event.outcomeDesc ? ': ' + event.outcomeDesc : '')),
        h('td', {}, (event.agent || []).map(agent => (agent.who && (agent.who.display || agent.who.reference || agent.who.identifier?.value)) || agent.name)
          .filter(Boolean).join(', ')),
        h('td', {}, (event.entity || []).map(entity => entity.what && (entity.what.reference || entity.what.display)).filter(Boolean).join(', ')),
        h('td', {}, event.source && event.source.observer ? (event.source.observer.display || '') : '')))));
  };
  form.addEventListener('submit', event => {
    event.preventDefault();
    search().catch(error => show(results, h('p', {class: 'error'}, error.message)));
  });
  show(main, h('h1', {}, 'Audit trail'), form, results);
  await search();
}
