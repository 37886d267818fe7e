// ECG strips and EGM episodes on ECG paper in the browser, from the Observation's samples: the
// conventions of the server's $render (25 mm/s, 10 mm/mV, a 1 mm grid with every fifth line heavier,
// i.e. 40 ms and 0.1 mV, 200 ms and 0.5 mV), drawn on a canvas the reader can zoom, pan and measure on
// with calipers. It draws only what it was given, so a reviewer draws the de-identified copy they read.
import {h} from './dom.js';
import {label} from './idco.js';

const MM_PER_SECOND = 25;
const MM_PER_MV = 10;
// A row per channel sized to its trace, as $render lays it out: at least 25 mm, 5 mm clear above and below, in whole 5 mm squares.
const MIN_ROW_MM = 25;
const ROW_PADDING_MM = 5;
// CSS pixels per millimetre at 96 dpi; screens differ, so the scale is nominal, not calibrated.
const NOMINAL_PX_PER_MM = 96 / 25.4;
const ZOOMS = [0.5, 1, 1.5, 2, 3, 4];

/** The channels of a waveform Observation: label, samples in mV, and the period in ms. */
export function channels(observation) {
  return (observation.component || []).filter(component => component.valueSampledData).map(component => {
    const sampled = component.valueSampledData;
    const toMillivolts = (sampled.origin && sampled.origin.code === 'uV') || (sampled.origin && sampled.origin.unit === 'uV') ? 0.001 : 1;
    const origin = (sampled.origin && sampled.origin.value) || 0;
    const factor = sampled.factor === undefined ? 1 : sampled.factor;
    const samples = (sampled.data || '').trim().split(/\s+/).map(datum => (origin + factor * Number(datum)) * toMillivolts);
    return {name: component.code.text || label(component.code) || 'channel', samples, periodMs: sampled.period};
  });
}

/** Each channel's row: its top, height and where 0 mV lies, in mm from the top of the paper. */
function rowsOf(leads) {
  let top = 0;
  return leads.map(lead => {
    // A loop, not Math.max(...samples): minutes of samples exceed the arguments a call may take.
    let highest = 1;
    let lowest = 0;
    for (const value of lead.samples) {
      if (Number.isFinite(value)) {
        highest = Math.max(highest, value);
        lowest = Math.min(lowest, value);
      }
    }
    const height = Math.max(MIN_ROW_MM, Math.ceil(((highest - lowest) * MM_PER_MV + 2 * ROW_PADDING_MM) / 5 - 1e-4) * 5);
    const row = {top, height, baseline: top + (height - (highest - lowest) * MM_PER_MV) / 2 + highest * MM_PER_MV};
    top += height;
    return row;
  });
}

export function isWaveform(resource) {
  return resource.resourceType === 'Observation' && (resource.component || []).some(component => component.valueSampledData);
}

export function ecgViewer(observation, title) {
  const leads = channels(observation);
  const rows = rowsOf(leads);
  const paperHeightMm = rows.reduce((sum, row) => sum + row.height, 0);
  const durationMs = Math.max(...leads.map(lead => lead.samples.length * lead.periodMs));
  const state = {zoom: 1, startMs: 0, calipers: [], measuring: false, cursorMs: null};
  const canvas = h('canvas', {class: 'ecg-paper', role: 'img', tabindex: '0', 'aria-label': title + ': ' + leads.map(lead => lead.name).join(', ')
    + ', ' + (durationMs / 1000).toFixed(1) + ' s on ECG paper at 25 mm/s and 10 mm/mV. Arrow keys move through it; with calipers on,'
    + ' they move the cursor and Enter places a caliper.'});
  const readout = h('p', {class: 'caliper-readout', 'aria-live': 'polite'}, 'Calipers: off');
  const position = h('input', {type: 'range', min: '0', max: String(Math.max(0, Math.round(durationMs))), value: '0', step: '100',
    'aria-label': 'Position in the recording (ms)'});
  const scale = h('span', {class: 'muted'});
  const wrapper = h('figure', {class: 'ecg'}, h('figcaption', {}, title),
    h('div', {class: 'ecg-controls'},
      h('button', {type: 'button', class: 'secondary', onclick: () => zoom(-1)}, 'Zoom out'),
      h('button', {type: 'button', class: 'secondary', onclick: () => zoom(1)}, 'Zoom in'),
      h('button', {type: 'button', class: 'secondary', onclick: () => pan(-windowMs() / 2)}, 'Earlier'),
      h('button', {type: 'button', class: 'secondary', onclick: () => pan(windowMs() / 2)}, 'Later'),
      h('button', {type: 'button', class: 'secondary', 'aria-pressed': 'false', onclick: event => toggleCalipers(event.target)}, 'Calipers'),
      scale),
    h('div', {class: 'ecg-frame'}, canvas), position, readout);

  const pxPerMm = () => NOMINAL_PX_PER_MM * state.zoom;
  const windowMs = () => canvas.width / pxPerMm() / MM_PER_SECOND * 1000;
  const xOf = ms => (ms - state.startMs) / 1000 * MM_PER_SECOND * pxPerMm();
  const msOf = x => state.startMs + x / pxPerMm() / MM_PER_SECOND * 1000;

  function zoom(step) {
    const index = Math.min(ZOOMS.length - 1, Math.max(0, ZOOMS.indexOf(state.zoom) + step));
    state.zoom = ZOOMS[index];
    draw();
  }

  function pan(byMs) {
    state.startMs = Math.min(Math.max(0, durationMs - windowMs()), Math.max(0, state.startMs + byMs));
    position.value = String(Math.round(state.startMs));
    draw();
  }

  function toggleCalipers(button) {
    state.measuring = !state.measuring;
    state.calipers = [];
    button.setAttribute('aria-pressed', String(state.measuring));
    state.cursorMs = state.measuring ? state.startMs + windowMs() / 2 : null;
    readout.textContent = state.measuring
      ? 'Calipers: click the start, then the end of the interval (or, on the paper, arrow keys and Enter).' : 'Calipers: off';
    draw();
  }

  position.addEventListener('input', () => pan(Number(position.value) - state.startMs));
  let dragFrom = null;
  canvas.addEventListener('pointerdown', event => {
    if (state.measuring) {
      const rect = canvas.getBoundingClientRect();
      const point = {ms: msOf(event.clientX - rect.left), y: event.clientY - rect.top};
      state.calipers = state.calipers.length >= 2 ? [point] : [...state.calipers, point];
      measure();
      draw();
    } else {
      dragFrom = event.clientX;
      canvas.setPointerCapture(event.pointerId);
    }
  });
  canvas.addEventListener('pointermove', event => {
    if (dragFrom !== null) {
      const moved = event.clientX - dragFrom;
      dragFrom = event.clientX;
      pan(-moved / pxPerMm() / MM_PER_SECOND * 1000);
    }
  });
  canvas.addEventListener('pointerup', () => {
    dragFrom = null;
  });
  // The keyboard does all the pointer does: arrows pan, or with calipers on move a cursor (1 mm, 5 mm with Shift) that Enter places.
  canvas.addEventListener('keydown', event => {
    const step = (event.shiftKey ? 5 : 1) / MM_PER_SECOND * 1000;
    const direction = event.key === 'ArrowLeft' ? -1 : event.key === 'ArrowRight' ? 1 : 0;
    if (direction !== 0) {
      event.preventDefault();
      if (!state.measuring) {
        pan(direction * step * 10);
        return;
      }
      state.cursorMs = Math.min(durationMs, Math.max(0, state.cursorMs + direction * step));
      if (state.cursorMs < state.startMs || state.cursorMs > state.startMs + windowMs()) {
        pan(state.cursorMs - state.startMs - windowMs() / 2);
      }
      draw();
    } else if (state.measuring && (event.key === 'Enter' || event.key === ' ')) {
      event.preventDefault();
      const point = {ms: state.cursorMs, y: null};
      state.calipers = state.calipers.length >= 2 ? [point] : [...state.calipers, point];
      measure();
      draw();
    }
  });

  function measure() {
    if (state.calipers.length < 2) {
      readout.textContent = 'Calipers: now click the end of the interval.';
      return;
    }
    const intervalMs = Math.abs(state.calipers[1].ms - state.calipers[0].ms);
    const interval = 'Interval ' + Math.round(intervalMs) + ' ms (' + (60000 / intervalMs).toFixed(0) + ' per minute)';
    // A caliper placed from the keyboard marks a time, not a height.
    if (state.calipers.some(point => point.y === null)) {
      readout.textContent = interval;
      return;
    }
    const amplitudeMv = Math.abs(state.calipers[1].y - state.calipers[0].y) / pxPerMm() / MM_PER_MV;
    readout.textContent = interval + ', height ' + amplitudeMv.toFixed(2) + ' mV';
  }

  function draw() {
    const width = Math.max(300, canvas.parentElement ? canvas.parentElement.clientWidth : 900);
    const height = Math.round(paperHeightMm * pxPerMm());
    canvas.width = width;
    canvas.height = height;
    canvas.style.height = height + 'px';
    const context = canvas.getContext('2d');
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.fillStyle = '#fff8f6';
    context.fillRect(0, 0, width, height);
    drawGrid(context, width, height);
    leads.forEach((lead, row) => drawLead(context, lead, row, width));
    drawCalipers(context, height);
    scale.textContent = (25 * state.zoom) + ' mm/s on screen at nominal 96 dpi; ' + (windowMs() / 1000).toFixed(1) + ' s shown';
  }

  function drawGrid(context, width, height) {
    const mm = pxPerMm();
    const offsetMm = (state.startMs / 1000 * MM_PER_SECOND) % 1;
    const firstLine = Math.floor(state.startMs / 1000 * MM_PER_SECOND);
    for (let line = 0; line * mm < width + mm; line++) {
      const x = (line - offsetMm) * mm;
      context.strokeStyle = (firstLine + line) % 5 === 0 ? '#e8a09a' : '#f6d3cf';
      context.lineWidth = (firstLine + line) % 5 === 0 ? 1 : 0.5;
      context.beginPath();
      context.moveTo(x, 0);
      context.lineTo(x, height);
      context.stroke();
    }
    for (let line = 0; line * mm <= height; line++) {
      context.strokeStyle = line % 5 === 0 ? '#e8a09a' : '#f6d3cf';
      context.lineWidth = line % 5 === 0 ? 1 : 0.5;
      context.beginPath();
      context.moveTo(0, line * mm);
      context.lineTo(width, line * mm);
      context.stroke();
    }
  }

  // Each pixel column shows the lowest and highest sample under it, so a pacing spike one sample wide keeps its height.
  function drawLead(context, lead, row, width) {
    const mm = pxPerMm();
    const baseline = rows[row].baseline * mm;
    const yOf = millivolts => baseline - millivolts * MM_PER_MV * mm;
    context.strokeStyle = '#111';
    context.lineWidth = 1.2;
    context.beginPath();
    for (let x = 0; x < width; x++) {
      const from = Math.max(0, Math.floor(msOf(x) / lead.periodMs));
      const to = Math.min(lead.samples.length, Math.max(from + 1, Math.floor(msOf(x + 1) / lead.periodMs)));
      if (from >= lead.samples.length) {
        break;
      }
      let low = Infinity;
      let high = -Infinity;
      for (let index = from; index < to; index++) {
        low = Math.min(low, lead.samples[index]);
        high = Math.max(high, lead.samples[index]);
      }
      if (x === 0) {
        context.moveTo(x, yOf(lead.samples[from]));
      }
      context.lineTo(x, yOf(high));
      context.lineTo(x, yOf(low));
    }
    context.stroke();
    context.fillStyle = '#111';
    context.font = '13px system-ui, sans-serif';
    context.fillText(lead.name, 6, rows[row].top * mm + 16);
  }

  function drawCalipers(context, height) {
    if (state.cursorMs !== null) {
      context.strokeStyle = '#7a4a00';
      context.setLineDash([4, 4]);
      context.beginPath();
      context.moveTo(xOf(state.cursorMs), 0);
      context.lineTo(xOf(state.cursorMs), height);
      context.stroke();
      context.setLineDash([]);
    }
    context.strokeStyle = '#0a58a8';
    context.lineWidth = 1.5;
    for (const point of state.calipers) {
      const x = xOf(point.ms);
      context.beginPath();
      context.moveTo(x, 0);
      context.lineTo(x, height);
      context.stroke();
    }
  }

  requestAnimationFrame(draw);
  // Redrawn to the new width while on the page; a viewer the page has left stops listening.
  const redrawOnResize = () => (canvas.isConnected ? draw() : window.removeEventListener('resize', redrawOnResize));
  window.addEventListener('resize', redrawOnResize);
  return wrapper;
}
