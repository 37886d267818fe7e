// Reading FHIR answers: bundles, references, codes and values as people read them.

export async function read(session, path) {
  const response = await session.request(path, firstPageOnly(path));
  if (!response.ok) {
    throw new Error('The server refused ' + path.split('?')[0] + ': ' + await refusal(response));
  }
  return response.json();
}

/**
 * The app shows a search's first page and never asks for the next: such a search is answered at once,
 * without the server storing a result set for pages nobody will ask for (HAPI's Cache-Control:
 * no-store, up to _count results).
 */
function firstPageOnly(path) {
  const count = new URLSearchParams(path.split('?')[1] || '').get('_count');
  return count ? {headers: {'Cache-Control': 'no-store, max-results=' + count}} : {};
}

/** Posts a resource (a new record, an operation's Parameters) with the session's token. */
export function post(session, path, resource) {
  return session.request(path, {method: 'POST', headers: {'Content-Type': 'application/fhir+json'}, body: JSON.stringify(resource)});
}

/** Why the server refused: the status, and its OperationOutcome's diagnostics when it sent one. */
export async function refusal(response) {
  const outcome = await response.json().catch(() => null);
  const text = outcome && outcome.issue ? outcome.issue.map(issue => issue.diagnostics).filter(Boolean).join('; ') : '';
  return response.status + (text ? ' ' + text : '');
}

/** The bundle's resources, matches and includes, by type. */
export function resources(bundle, type) {
  return (bundle.entry || []).map(entry => entry.resource).filter(resource => resource && (!type || resource.resourceType === type));
}

export function byReference(bundle) {
  const found = new Map();
  for (const resource of resources(bundle)) {
    found.set(resource.resourceType + '/' + resource.id, resource);
  }
  return found;
}

export function personName(resource) {
  const name = resource && resource.name && resource.name[0];
  if (!name) {
    return resource ? resource.resourceType + '/' + resource.id : 'unknown';
  }
  return name.text || [...(name.given || []), name.family].filter(Boolean).join(' ');
}

export function codeText(concept) {
  if (!concept) {
    return '';
  }
  const coding = (concept.coding || []).find(coding => coding.display) || (concept.coding || [])[0];
  return concept.text || (coding && (coding.display || coding.code)) || '';
}

/** A component's or observation's value as text, with its unit. */
export function valueText(element) {
  if (element.valueQuantity) {
    const quantity = element.valueQuantity;
    return quantity.value + (quantity.unit ? ' ' + quantity.unit : '');
  }
  if (element.valueCodeableConcept) {
    return codeText(element.valueCodeableConcept);
  }
  if (element.valueString !== undefined) {
    return element.valueString;
  }
  if (element.valueDateTime) {
    return formatDate(element.valueDateTime);
  }
  if (element.valueInteger !== undefined) {
    return String(element.valueInteger);
  }
  if (element.valueBoolean !== undefined) {
    return element.valueBoolean ? 'yes' : 'no';
  }
  if (element.valueRatio) {
    return valueText({valueQuantity: element.valueRatio.numerator}) + ' / ' + valueText({valueQuantity: element.valueRatio.denominator});
  }
  if (element.valueRange) {
    return valueText({valueQuantity: element.valueRange.low}) + ' – ' + valueText({valueQuantity: element.valueRange.high});
  }
  return '';
}

export function formatDate(value) {
  if (!value) {
    return '';
  }
  if (/^\d{4}(-\d{2}(-\d{2})?)?$/.test(value)) {
    return value;
  }
  const date = new Date(value);
  return isNaN(date) ? value : date.toLocaleString(undefined, {dateStyle: 'medium', timeStyle: 'short'});
}

export function formatDay(value) {
  if (!value) {
    return '';
  }
  const date = new Date(value);
  return isNaN(date) ? value : date.toLocaleDateString(undefined, {dateStyle: 'medium'});
}
