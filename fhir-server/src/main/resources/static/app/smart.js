// OpenIMD's own SMART App Launch client: PKCE, the access token kept in this module's memory only
// (never in localStorage or sessionStorage, never in a URL after the redirect), and a silent new
// authorization when the token runs out. The reference client (fhirclient) keeps the token response in
// sessionStorage, which this app's rules forbid.

const CLIENT_ID = 'openimd-web-app';
const SCOPES = 'openid fhirUser online_access user/*.cruds patient/*.cruds openimd.admin';
// What the redirect must survive: the request's state, the PKCE verifier and where the person was.
const PENDING = 'openimd.pending-authorization';
// A token this close to its end is renewed before a request rather than failing it.
const RENEW_BEFORE_MS = 30_000;

let current = null;
// One authorization at a time: the pages' parallel requests that all find the token run out share it,
// so that the state kept for the redirect is the one the browser is sent with.
let authorizing = null;

export class AuthorizationError extends Error {}

function redirectUri() {
  return location.origin + '/app/';
}

function randomString(bytes) {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

function base64url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function claimsOf(jwt) {
  const payload = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
  return JSON.parse(decodeURIComponent(escape(atob(payload))));
}

async function discover(fhirBase) {
  const response = await fetch(fhirBase + '/.well-known/smart-configuration', {headers: {Accept: 'application/json'}});
  if (!response.ok) {
    throw new AuthorizationError('The server\'s SMART configuration cannot be read (' + response.status + ').');
  }
  return response.json();
}

/** Sends the browser to sign in; an EHR launch passes its launch and iss. Does not return. */
export function authorize(launchContext = {}) {
  authorizing = authorizing || redirectToSignIn(launchContext);
  return authorizing;
}

async function redirectToSignIn({launch, iss}) {
  // An EHR may name the server by localhost, which the app left for the loopback address.
  const fhirBase = iss ? iss.replace('//localhost', '//127.0.0.1') : location.origin + '/fhir';
  if (new URL(fhirBase).origin !== location.origin) {
    throw new AuthorizationError('This app works only with the server it comes from, not ' + fhirBase + '.');
  }
  const configuration = await discover(fhirBase);
  const verifier = randomString(48);
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const state = randomString(24);
  sessionStorage.setItem(PENDING, JSON.stringify({
    state, verifier, fhirBase, tokenEndpoint: configuration.token_endpoint, route: location.hash, launched: Boolean(launch)}));
  const request = new URLSearchParams({
    response_type: 'code', client_id: CLIENT_ID, redirect_uri: redirectUri(), scope: launch ? SCOPES + ' launch' : SCOPES,
    state, aud: fhirBase, code_challenge: challenge, code_challenge_method: 'S256'});
  if (launch) {
    request.set('launch', launch);
  }
  location.assign(configuration.authorization_endpoint + '?' + request);
  return new Promise(() => {});
}

/** Completes the redirect back from sign-in: checks the state, exchanges the code, forgets both. */
async function completeAuthorization(parameters) {
  const pending = JSON.parse(sessionStorage.getItem(PENDING) || 'null');
  sessionStorage.removeItem(PENDING);
  history.replaceState(null, '', location.pathname + (pending && pending.route ? pending.route : ''));
  if (parameters.has('error')) {
    throw new AuthorizationError(parameters.get('error_description') || parameters.get('error'));
  }
  if (!pending || pending.state !== parameters.get('state')) {
    throw new AuthorizationError('The answer from sign-in does not belong to this window\'s request. Sign in again.');
  }
  const response = await fetch(pending.tokenEndpoint, {
    method: 'POST',
    headers: {'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json'},
    body: new URLSearchParams({
      grant_type: 'authorization_code', code: parameters.get('code'), redirect_uri: redirectUri(), client_id: CLIENT_ID,
      code_verifier: pending.verifier})});
  if (!response.ok) {
    throw new AuthorizationError('Sign-in could not be completed (' + response.status + '). Sign in again.');
  }
  const answer = await response.json();
  const claims = claimsOf(answer.access_token);
  current = {
    fhirBase: pending.fhirBase,
    accessToken: answer.access_token,
    expiresAt: Date.now() + answer.expires_in * 1000,
    scope: answer.scope,
    patient: answer.patient || null,
    needPatientBanner: answer.need_patient_banner !== false,
    launched: pending.launched,
    role: claims.openimd_role,
    fhirUser: claims.fhirUser || null,
    username: claims.sub,
  };
  return session();
}

/** The signed-in session: who, in what context, and a fetch for the FHIR API with the token. */
function session() {
  return {
    ...current,
    request,
    signOut: () => {
      current = null;
      location.assign('/auth/logout');
    },
  };
}

async function request(path, options = {}) {
  if (!current || Date.now() > current.expiresAt - RENEW_BEFORE_MS) {
    await authorize();
  }
  const url = path.startsWith('http') ? path : current.fhirBase + '/' + path.replace(/^\//, '');
  const headers = {Accept: 'application/fhir+json', ...(options.headers || {}), Authorization: 'Bearer ' + current.accessToken};
  const response = await fetch(url, {...options, headers});
  if (response.status === 401) {
    await authorize();
  }
  return response;
}

/** Signs in (standalone or EHR launch), or finishes signing in when sign-in has just sent the browser back. */
export async function start() {
  const parameters = new URLSearchParams(location.search);
  if (parameters.has('code') || parameters.has('error')) {
    return completeAuthorization(parameters);
  }
  if (parameters.has('launch')) {
    return authorize({launch: parameters.get('launch'), iss: parameters.get('iss')});
  }
  return authorize();
}
