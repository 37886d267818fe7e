// Trends over time as uPlot charts: small (about 50 kB), canvas-drawn, fast with many points, no
// dependencies. Each chart comes with its values as a table for people who do not see the chart.
import uPlot from '/webjars/uplot/1.6.30/dist/uPlot.esm.js';
import {h, table} from './dom.js';
import {formatDay} from './fhir.js';

const COLOURS = ['#0a58a8', '#b3261e', '#1e6b35'];

/**
 * @param points for each series its [time in ms, value] pairs
 */
export function trendChart(title, unit, seriesNames, points) {
  const times = [...new Set(points.flat().map(([time]) => time))].sort((a, b) => a - b);
  const columns = seriesNames.map((_, index) => {
    const byTime = new Map(points[index].map(([time, value]) => [time, value]));
    return times.map(time => (byTime.has(time) ? byTime.get(time) : null));
  });
  const figure = h('figure', {class: 'chart', 'aria-label': title + ' over time'}, h('figcaption', {}, title + ' (' + unit + ')'));
  const plotArea = h('div', {'aria-hidden': 'true'});
  figure.append(plotArea);
  const rows = times.map((time, row) => h('tr', {}, h('td', {}, formatDay(time)),
    columns.map(column => h('td', {class: 'number'}, column[row] === null ? '—' : String(column[row])))));
  figure.append(h('details', {}, h('summary', {}, 'Values'), table(['Date', ...seriesNames], rows)));
  requestAnimationFrame(() => {
    const width = Math.max(280, plotArea.clientWidth || 360);
    new uPlot({
      width, height: 200,
      scales: {x: {time: true}},
      axes: [{}, {label: unit, size: 55}],
      series: [{}, ...seriesNames.map((name, index) => ({label: name, stroke: COLOURS[index % COLOURS.length], width: 2, spanGaps: true,
        points: {show: true, size: 6}}))],
    }, [times.map(time => time / 1000), ...columns], plotArea);
  });
  return figure;
}
