// Builds DOM nodes from values; text always goes in as text, never as HTML, so no record can inject markup.
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) {
      continue;
    }
    if (name.startsWith('on')) {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'class') {
      element.className = value;
    } else {
      element.setAttribute(name, value === true ? '' : value);
    }
  }
  for (const child of children.flat(Infinity)) {
    if (child !== null && child !== undefined && child !== false) {
      element.append(child instanceof Node ? child : String(child));
    }
  }
  return element;
}

export function show(container, ...children) {
  container.replaceChildren(...children.flat(Infinity).filter(child => child !== null && child !== undefined && child !== false));
}

export function table(headings, rows) {
  return h('table', {},
    h('thead', {}, h('tr', {}, headings.map(heading => h('th', {scope: 'col'}, heading)))),
    h('tbody', {}, rows));
}
