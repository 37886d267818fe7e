// The OpenIMD web app: signs the person in as a SMART app of this server, then shows their role's pages.
import {AuthorizationError, start} from './smart.js';
import {h, show} from './dom.js';
import {patientPage, worklist} from './clinician.js';
import {assignment, assignments} from './reviewer.js';
import {dispenses, order, orders, refills} from './pharmacist.js';
import {audit, clients, users} from './admin.js';
import {messages, transmissions} from './patient.js';

// Spring Authorization Server, as OAuth 2.1 advises, takes no redirect to "localhost": the app lives at the loopback address.
if (location.hostname === 'localhost') {
  location.replace(location.href.replace('//localhost', '//127.0.0.1'));
} else {
  main();
}

const PAGES = {
  clinician: {
    nav: [['#/worklist', 'Worklist']],
    home: '#/worklist',
    routes: [
      [/^#\/worklist$/, (session, main) => worklist(session, main)],
      [/^#\/patient\/([A-Za-z0-9.-]+)$/, (session, main, id) => patientPage(session, main, id)],
    ],
  },
  reviewer: {
    nav: [['#/assignments', 'Assignments']],
    home: '#/assignments',
    routes: [
      [/^#\/assignments$/, (session, main) => assignments(session, main)],
      [/^#\/assignment\/([A-Za-z0-9.-]+)$/, (session, main, id) => assignment(session, main, id)],
    ],
  },
  pharmacist: {
    nav: [['#/orders', 'Pump orders'], ['#/refills', 'Refill calendar'], ['#/dispenses', 'Dispenses']],
    home: '#/orders',
    routes: [
      [/^#\/orders$/, (session, main) => orders(session, main)],
      [/^#\/order\/([A-Za-z0-9.-]+)$/, (session, main, id) => order(session, main, id)],
      [/^#\/refills$/, (session, main) => refills(session, main)],
      [/^#\/dispenses$/, (session, main) => dispenses(session, main)],
    ],
  },
  admin: {
    nav: [['#/users', 'Accounts'], ['#/clients', 'Clients'], ['#/audit', 'Audit trail']],
    home: '#/users',
    routes: [
      [/^#\/users$/, (session, main) => users(session, main)],
      [/^#\/clients$/, (session, main) => clients(session, main)],
      [/^#\/audit$/, (session, main) => audit(session, main)],
    ],
  },
  patient: {
    nav: [['#/me', 'My devices'], ['#/transmissions', 'Transmissions'], ['#/messages', 'Messages']],
    home: '#/me',
    routes: [
      [/^#\/me$/, (session, main) => patientPage(session, main, session.patient.split('/').pop(), {plain: true})],
      [/^#\/transmissions$/, (session, main) => transmissions(session, main)],
      [/^#\/messages$/, (session, main) => messages(session, main)],
    ],
  },
};

async function main() {
  const container = document.getElementById('main');
  let session;
  try {
    session = await start();
  } catch (error) {
    show(container, h('h1', {}, 'Sign-in did not work'), h('p', {class: 'error'}, error.message),
      h('p', {}, h('a', {href: '/app/'}, 'Sign in again')));
    if (!(error instanceof AuthorizationError)) {
      console.error(error);
    }
    return;
  }
  const pages = PAGES[session.role];
  const signOut = h('button', {type: 'button', class: 'secondary', onclick: () => session.signOut()}, 'Sign out');
  show(document.getElementById('who'), session.username + ' (' + session.role + ') ', signOut);
  if (!pages) {
    // A manufacturer's work, the de-identified export of its devices, is a system's call to the API, not a page.
    show(container, h('h1', {}, 'Welcome'), h('p', {}, 'The web app has no pages for the ' + session.role
      + ' role: its work goes through the FHIR API (for a manufacturer, the de-identified $manufacturer-export).'));
    return;
  }
  show(document.getElementById('nav'), pages.nav.map(([href, text]) => h('a', {href}, text)));
  // Launched from an EHR with a patient: that patient's page first.
  if (session.launched && session.patient && session.role !== 'patient') {
    history.replaceState(null, '', '#/patient/' + session.patient.split('/').pop());
  }
  const route = async () => {
    const hash = location.hash || pages.home;
    for (const [pattern, page] of pages.routes) {
      const match = hash.match(pattern);
      if (match) {
        show(container, h('p', {class: 'loading'}, 'Loading…'));
        try {
          await page(session, container, ...match.slice(1));
        } catch (error) {
          show(container, h('h1', {}, 'Something went wrong'), h('p', {class: 'error'}, error.message));
        }
        container.focus({preventScroll: true});
        return;
      }
    }
    location.hash = pages.home;
  };
  window.addEventListener('hashchange', route);
  await route();
}
