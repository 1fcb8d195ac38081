/* staticapi interval timeline.
 *
 * Hand-written, dependency-free: one canvas draws only the rows in view (virtualised), an
 * overlay canvas carries the cursor / hover / brush so mouse moves never repaint the chart.
 * Row groups and colours follow openshift/origin e2echart/e2e-chart-template.html (group
 * order, ordinal colour scale); the per-source counts and toggles, the regex over locator and
 * message, and the URL-held filters follow Sippy's IntervalsChart.  Nothing is copied.
 */
(function () {
  'use strict';

  // ---------------------------------------------------------------- constants
  const BASE = new URL('../', location.href);            // {prefix}/  (page is {prefix}/ui/intervals)
  const DATA_URL = new URL('staticapi/v1/intervals', BASE);
  const ROW_H = 18, LABEL_W = 340, PAD_R = 10, MIN_SPAN_MS = 1000;
  const LEVELS = ['Info', 'Warning', 'Error'];

  // origin's chart group order, plus the groups a must-gather adds
  const CATEGORIES = [
    { id: 'operator-unavailable', label: 'Operator unavailable' },
    { id: 'operator-degraded', label: 'Operator degraded' },
    { id: 'operator-progressing', label: 'Operator progressing' },
    { id: 'cluster-version', label: 'Cluster version', open1: true },
    { id: 'operator-ok', label: 'Operator conditions (healthy)', closed: true },
    { id: 'nodes', label: 'Node state', open1: true },
    { id: 'high-cpu', label: 'High CPU' },
    { id: 'disruption', label: 'Disruption' },
    { id: 'apiserver-shutdown', label: 'API server shutdown' },
    { id: 'api-unreachable', label: 'API unreachable' },
    { id: 'staticpod-install', label: 'Static pod install' },
    { id: 'etcd-leaders', label: 'etcd leaders' },
    { id: 'cloud-metrics', label: 'Cloud metrics' },
    { id: 'pods', label: 'Pods' },
    { id: 'pod-logs', label: 'Pod logs' },
    { id: 'events', label: 'Events' },
    { id: 'alerts', label: 'Alerts' },
    { id: 'e2e', label: 'E2E tests', open1: true },
    { id: 'audit', label: 'API changes (audit)' },
    { id: 'other', label: 'Other', closed: true },
  ];
  const CAT_INDEX = Object.fromEntries(CATEGORIES.map((c, i) => [c.id, i]));

  // origin's ordinal colour scale (#d0312d, #ffa500, #fada5e, #3cb043 ...), keyed by what we draw
  const COLORS = {
    OperatorUnavailable: ['#d0312d', 'operator unavailable'],
    OperatorDegraded: ['#ffa500', 'operator degraded'],
    OperatorProgressing: ['#fada5e', 'operator progressing'],
    Healthy: ['#3cb043', 'healthy condition'],
    Upgrade: ['#1e7bd9', 'upgrade (completed)'],
    UpgradeInProgress: ['#fada5e', 'upgrade (partial / in progress)'],
    NodeNotReady: ['#fada5e', 'node not ready'],
    NodePressure: ['#ffa500', 'node pressure'],
    NodeUpdate: ['#1e7bd9', 'node update'],
    Drain: ['#4294e6', 'node drain'],
    Reboot: ['#6aaef2', 'node reboot'],
    OperatingSystemUpdate: ['#96cbff', 'node OS update'],
    HighCPU: ['#d0312d', 'high CPU'],
    Disruption: ['#d0312d', 'disruption'],
    CIClusterDisruption: ['#96cbff', 'CI cluster disruption'],
    GracefulShutdown: ['#1e7bd9', 'graceful shutdown'],
    IncompleteShutdown: ['#d0312d', 'incomplete shutdown'],
    PodCreated: ['#96cbff', 'pod created'],
    PodScheduled: ['#1e7bd9', 'pod scheduled'],
    PodPending: ['#fada5e', 'pod pending'],
    PodReady: ['#7fd18a', 'pod ready'],
    PodNotReady: ['#fada5e', 'pod / container not ready'],
    PodCompleted: ['#d3d3de', 'pod completed'],
    PodTerminating: ['#ffa500', 'pod terminating'],
    PodFailed: ['#d0312d', 'pod failed / evicted'],
    ContainerWait: ['#ca8dfd', 'container waiting'],
    ContainerWaitBad: ['#c90076', 'container back-off / error'],
    ContainerRunning: ['#3cb043', 'container running'],
    ContainerExit: ['#6e6e6e', 'container exit 0'],
    ContainerExitError: ['#d0312d', 'container exit != 0'],
    ContainerReadinessFailed: ['#d0312d', 'probe failed'],
    PodLogInfo: ['#96cbff', 'pod log info'],
    PodLogWarning: ['#fada5e', 'pod log warning'],
    PodLogError: ['#d0312d', 'pod log error'],
    EventInfo: ['#96cbff', 'event (Normal)'],
    EventWarning: ['#ffa500', 'event (Warning)'],
    PathologicalNew: ['#d0312d', 'pathological event (> 20)'],
    PathologicalKnown: ['#0000ff', 'pathological, known'],
    InterestingEvent: ['#6e6e6e', 'interesting event'],
    AlertInfo: ['#fada5e', 'alert info'],
    AlertPending: ['#fada5e', 'alert pending'],
    AlertWarning: ['#ffa500', 'alert warning'],
    AlertCritical: ['#d0312d', 'alert critical'],
    Passed: ['#3cb043', 'test passed'],
    Skipped: ['#ceba76', 'test skipped'],
    Flaked: ['#ffa500', 'test flaked'],
    Failed: ['#d0312d', 'test failed'],
    Info: ['#6aaef2', 'Info'],
    Warning: ['#ffa500', 'Warning'],
    Error: ['#d0312d', 'Error'],
  };
  const COLOR_KEYS = Object.keys(COLORS);
  const COLOR_INDEX = Object.fromEntries(COLOR_KEYS.map((k, i) => [k, i]));
  const COLOR_HEX = COLOR_KEYS.map(k => COLORS[k][0]);

  // origin sortKeys(): these keys first in this order, the rest alphabetically
  const ORDERED_KEYS = ['namespace', 'node', 'pod', 'uid', 'server', 'container', 'shutdown', 'row'];
  function sortKeys(keys) {
    return keys.slice().sort((a, b) => {
      const ia = ORDERED_KEYS.indexOf(a), ib = ORDERED_KEYS.indexOf(b);
      if (ia >= 0 && ib >= 0) return ia - ib;
      if (ia >= 0) return -1;
      if (ib >= 0) return 1;
      return a < b ? -1 : a > b ? 1 : 0;
    });
  }
  function locatorString(loc) {
    const keys = (loc && loc.keys) || {};
    return sortKeys(Object.keys(keys)).map(k => k === 'e2e-test' ? k + '/' + JSON.stringify(keys[k]) : k + '/' + keys[k]).join(' ');
  }
  function messageString(msg) {
    const ann = (msg && msg.annotations) || {};
    const a = Object.keys(ann).sort().map(k => k + '/' + ann[k]).join(' ');
    const h = (msg && msg.humanMessage) || '';
    return h ? (a + ' ' + h).trim() : a;
  }

  // ---------------------------------------------------------------- state
  const S = {
    items: [], n: 0,
    t0: null, t1: null, open: null, lv: null, cat: null, col: null, src: null, vis: null, match: null,
    text: [],
    sources: [], srcCount: [],
    min: 0, max: 1, v0: 0, v1: 1,
    roots: [], nodes: new Map(), rows: [],
    toggled: new Set(), hiddenSrc: new Set(), levels: new Set(LEVELS),
    q: '', rx: null, only: false, matches: [], matchPos: -1,
    scrollTop: 0, selected: -1, hover: -1, cursorT: null, pinned: false,
    collectionTime: null, cluster: '',
    perf: {},
  };

  const el = id => document.getElementById(id);
  const canvas = el('canvas'), overlay = el('overlay'), axis = el('axis'), overview = el('overview');
  const viewport = el('viewport'), spacer = el('spacer');
  const ctx = canvas.getContext('2d'), octx = overlay.getContext('2d');
  const actx = axis.getContext('2d'), vctx = overview.getContext('2d');
  let DPR = window.devicePixelRatio || 1;
  let W = 800, H = 400;
  let overviewCache = null;

  // ---------------------------------------------------------------- classify
  function categorize(it) {
    const loc = it.locator || {}, keys = loc.keys || {}, msg = it.message || {}, ann = msg.annotations || {};
    const src = it.source || '', type = loc.type || '', reason = msg.reason || '';
    if (type === 'ClusterOperator' || (src === 'OperatorState' && keys.clusteroperator)) {
      const co = keys.clusteroperator || locatorString(loc);
      if (ann.condition === 'Available' && ann.status !== 'True') return ['operator-unavailable', [co]];
      if (ann.condition === 'Degraded' && ann.status === 'True') return ['operator-degraded', [co]];
      if (ann.condition === 'Progressing' && ann.status === 'True') return ['operator-progressing', [co]];
      return ['operator-ok', [co, ann.condition || reason || 'other']];
    }
    if (type === 'ClusterVersion') return ['cluster-version', [keys.clusterversion || 'version', ann.condition || 'history']];
    if (src === 'NodeState' || src === 'NodeMonitor' || (type === 'Node' && src !== 'KubeEvent')) {
      return ['nodes', [keys.node || locatorString(loc), ann.condition || ann.phase || reason || 'state']];
    }
    if (src === 'CPUMonitor') return ['high-cpu', [locatorString(loc)]];
    if (src === 'Disruption' || type === 'Disruption' || reason === 'DisruptionBegan' || reason === 'DisruptionSamplerOutageBegan') {
      return ['disruption', [keys['backend-disruption-name'] || keys.disruption || locatorString(loc), keys.connection || '']];
    }
    if (src === 'APIServerGracefulShutdown' || src === 'APIServerShutdown') {
      return ['apiserver-shutdown', [keys.server || 'apiserver', keys.pod || keys.node || locatorString(loc)]];
    }
    if (src === 'APIUnreachableFromClient') return ['api-unreachable', [locatorString(loc)]];
    if (src === 'StaticPodInstallMonitor') return ['staticpod-install', [locatorString(loc)]];
    if (src === 'EtcdLeadership') return ['etcd-leaders', [keys.node || locatorString(loc)]];
    if (src === 'CloudMetrics') return ['cloud-metrics', [locatorString(loc)]];
    if (src === 'PodLog' || src === 'EtcdLog') {
      return ['pod-logs', [keys.namespace || '(none)', keys.pod || locatorString(loc), keys.container || '']];
    }
    if (src === 'KubeEvent') {
      const obj = keys.kind ? keys.kind + '/' + (keys.name || '') : (keys.pod ? 'Pod/' + keys.pod : keys.node ? 'Node/' + keys.node : locatorString(loc));
      return ['events', [keys.namespace || '(cluster)', obj]];
    }
    if (src === 'Alert' || type === 'Alert') {
      return ['alerts', [(keys.alert || locatorString(loc)) + (keys.namespace ? '  ns/' + keys.namespace : '')]];
    }
    if (src === 'Audit') return ['audit', [keys.namespace || '(cluster)', (keys.resource || '') + '/' + (keys.name || '')]];
    if (src === 'E2ETest' || type === 'E2ETest') {
      return ['e2e', [ann.status || reason || 'other', keys['e2e-test'] || locatorString(loc)]];
    }
    if (src === 'PodState' || src === 'PodMonitor' || type === 'Pod' || type === 'Container') {
      return ['pods', [keys.namespace || '(none)', keys.pod || locatorString(loc), keys.container || '']];
    }
    return ['other', [src || '(no source)', locatorString(loc)]];
  }

  function colorKey(it, cat) {
    const msg = it.message || {}, ann = msg.annotations || {}, reason = msg.reason || '', level = it.level || 'Info';
    switch (cat) {
      case 'operator-unavailable': return 'OperatorUnavailable';
      case 'operator-degraded': return 'OperatorDegraded';
      case 'operator-progressing': return 'OperatorProgressing';
      case 'operator-ok': return level === 'Info' ? 'Healthy' : level;
      case 'cluster-version':
        if (reason === 'UpgradeComplete') return 'Upgrade';
        if (reason.startsWith('Upgrade')) return 'UpgradeInProgress';
        return level === 'Info' ? 'Healthy' : level;
      case 'nodes':
        if (reason === 'NotReady') return 'NodeNotReady';
        if (/Node(Memory|Disk|PID)Pressure/.test(reason)) return 'NodePressure';
        if (COLORS[ann.phase]) return ann.phase;
        if (reason === 'NodeUpdate') return 'NodeUpdate';
        return level === 'Info' ? 'Healthy' : level;
      case 'high-cpu': return 'HighCPU';
      case 'disruption': return reason === 'DisruptionSamplerOutageBegan' ? 'CIClusterDisruption' : 'Disruption';
      case 'apiserver-shutdown': return level === 'Info' ? 'GracefulShutdown' : 'IncompleteShutdown';
      case 'pod-logs': return 'PodLog' + level;
      case 'events':
        if (ann.pathological === 'true') return ann.interesting === 'true' ? 'PathologicalKnown' : 'PathologicalNew';
        if (ann.interesting === 'true') return 'InterestingEvent';
        return level === 'Info' ? 'EventInfo' : level === 'Warning' ? 'EventWarning' : 'Error';
      case 'alerts':
        if (ann.alertstate === 'pending') return 'AlertPending';
        if (ann.severity === 'info' || ann.severity === 'none') return 'AlertInfo';  // Watchdog: none
        if (ann.severity === 'warning') return 'AlertWarning';
        return 'AlertCritical';
      case 'e2e': {
        const s = ann.status || '';
        return COLORS[s] && ['Passed', 'Skipped', 'Flaked', 'Failed'].includes(s) ? s : level;
      }
      case 'pods':
        switch (reason) {
          case 'Created': return 'PodCreated';
          case 'Scheduled': return 'PodScheduled';
          case 'PodIsPending': return 'PodPending';
          case 'PodReady': case 'Ready': return 'PodReady';
          case 'PodNotReady': case 'NotReady': return msg.cause === 'PodCompleted' ? 'PodCompleted' : 'PodNotReady';
          case 'GracefulDelete': case 'ForceDelete': case 'Deleted': return 'PodTerminating';
          case 'Evicted': case 'Failed': case 'Preempted': return 'PodFailed';
          case 'ContainerWait': return level === 'Info' ? 'ContainerWait' : 'ContainerWaitBad';
          case 'ContainerStart': return 'ContainerRunning';
          case 'ContainerExit': return (ann.code && ann.code !== '0') ? 'ContainerExitError' : 'ContainerExit';
          case 'ReadinessFailed': case 'ReadinessErrored': case 'StartupProbeFailed': return 'ContainerReadinessFailed';
        }
        return level;
    }
    return level;
  }

  // ---------------------------------------------------------------- data
  function ingest(payload) {
    const tStart = performance.now();
    const items = payload.items || [];
    const n = items.length;
    S.items = items; S.n = n;
    S.t0 = new Float64Array(n); S.t1 = new Float64Array(n);
    S.open = new Uint8Array(n); S.lv = new Uint8Array(n); S.cat = new Uint8Array(n);
    S.col = new Uint8Array(n); S.src = new Uint16Array(n); S.vis = new Uint8Array(n); S.match = new Uint8Array(n);
    S.text = new Array(n);
    S.collectionTime = payload.collectionTime ? Date.parse(payload.collectionTime) : null;
    S.cluster = payload.cluster || '';
    const srcIdx = new Map();
    let min = Infinity, max = -Infinity;
    const paths = new Array(n);
    for (let i = 0; i < n; i++) {
      const it = items[i];
      let a = Date.parse(it.from), b = it.to ? Date.parse(it.to) : NaN;
      if (isNaN(a)) a = isNaN(b) ? NaN : b;
      if (isNaN(b)) S.open[i] = 1;
      S.t0[i] = a; S.t1[i] = isNaN(b) ? a : Math.max(a, b);
      if (!isNaN(a) && a < min) min = a;
      if (!isNaN(b) && b > max) max = b;
      if (!isNaN(a) && a > max) max = a;
      S.lv[i] = Math.max(0, LEVELS.indexOf(it.level));
      const [cat, path] = categorize(it);
      const ci = CAT_INDEX[cat];
      S.cat[i] = ci;
      S.col[i] = COLOR_INDEX[colorKey(it, cat)] || 0;
      const s = it.source || '(no source)';
      if (!srcIdx.has(s)) srcIdx.set(s, srcIdx.size);
      S.src[i] = srcIdx.get(s);
      paths[i] = path;
    }
    if (!isFinite(min)) { min = Date.now() - 3600e3; max = Date.now(); }
    if (S.collectionTime && S.collectionTime > max) max = S.collectionTime;
    if (max - min < MIN_SPAN_MS) max = min + MIN_SPAN_MS;
    for (let i = 0; i < n; i++) {
      if (isNaN(S.t0[i])) { S.t0[i] = min; S.t1[i] = min; }
      if (S.open[i]) S.t1[i] = max;
    }
    S.min = min; S.max = max;
    S.sources = [...srcIdx.keys()];
    buildTree(paths);
    S.perf.ingestMs = performance.now() - tStart;
  }

  function mkNode(key, label, depth, cat, parent) {
    return { key, label, depth, cat, parent, children: new Map(), list: null, own: [], all: [], count: 0, first: Infinity };
  }

  function buildTree(paths) {
    S.nodes = new Map();
    S.roots = CATEGORIES.map((c, ci) => { const nd = mkNode(c.id, c.label, 0, ci, null); S.nodes.set(c.id, nd); return nd; });
    for (let i = 0; i < S.n; i++) {
      let nd = S.roots[S.cat[i]];
      nd.all.push(i);
      const path = paths[i];
      for (let d = 0; d < path.length; d++) {
        const label = path[d];
        if (label === '' || label == null) break;
        let ch = nd.children.get(label);
        if (!ch) {
          ch = mkNode(nd.key + '\u001f' + label, label, d + 1, nd.cat, nd);
          nd.children.set(label, ch);
          S.nodes.set(ch.key, ch);
        }
        nd = ch;
        nd.all.push(i);
        if (S.t0[i] < nd.first) nd.first = S.t0[i];
      }
      nd.own.push(i);
    }
    const byT0 = (a, b) => S.t0[a] - S.t0[b];
    for (const nd of S.nodes.values()) {
      nd.all.sort(byT0);
      if (nd.own !== nd.all) nd.own.sort(byT0);
      let list = [...nd.children.values()];
      const cat = CATEGORIES[nd.cat].id;
      if (cat === 'e2e' && nd.depth === 0) {
        const order = { Failed: 0, Flaked: 1, Passed: 2, Skipped: 3 };
        list.sort((a, b) => (order[a.label] ?? 9) - (order[b.label] ?? 9) || (a.label < b.label ? -1 : 1));
      } else if (cat === 'e2e' || cat === 'alerts' || cat === 'disruption') {
        list.sort((a, b) => a.first - b.first || (a.label < b.label ? -1 : 1));
      } else {
        list.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
      }
      nd.list = list;
    }
  }

  function isExpanded(nd) {
    const c = CATEGORIES[nd.cat];
    let def;
    if (nd.depth === 0) def = !c.closed;
    else if (nd.depth === 1) def = !!c.open1;
    else def = false;
    return S.toggled.has(nd.key) ? !def : def;
  }
  function setExpanded(nd, on) {
    if (isExpanded(nd) !== on) { if (S.toggled.has(nd.key)) S.toggled.delete(nd.key); else S.toggled.add(nd.key); }
  }

  // ---------------------------------------------------------------- filters
  function applyFilters() {
    const hidden = new Set([...S.hiddenSrc].map(s => S.sources.indexOf(s)).filter(i => i >= 0));
    const lvOk = LEVELS.map(l => S.levels.has(l));
    const only = S.only && S.rx;
    for (let i = 0; i < S.n; i++) {
      S.vis[i] = (!hidden.has(S.src[i]) && lvOk[S.lv[i]] && (!only || S.match[i])) ? 1 : 0;
    }
    for (const nd of S.nodes.values()) {
      let c = 0;
      for (const i of nd.all) c += S.vis[i];
      nd.count = c;
    }
    overviewCache = null;
    rebuildRows();
  }

  function searchText(i) {
    let t = S.text[i];
    if (t === undefined) {
      const it = S.items[i];
      t = S.text[i] = (it.source || '') + ' ' + locatorString(it.locator) + ' ' + messageString(it.message) + ' reason/' + ((it.message && it.message.reason) || '');
    }
    return t;
  }

  function applySearch() {
    const input = el('search');
    S.rx = null;
    input.classList.remove('bad');
    input.title = '';
    if (S.q) {
      try { S.rx = new RegExp(S.q, 'i'); } catch (e) { input.classList.add('bad'); input.title = String(e.message || e); }
    }
    const t = performance.now();
    S.matches = [];
    for (let i = 0; i < S.n; i++) {
      const m = S.rx ? (S.rx.test(searchText(i)) ? 1 : 0) : 0;
      S.match[i] = m;
    }
    S.perf.searchMs = performance.now() - t;
    applyFilters();
    collectMatches();
  }

  function collectMatches() {
    S.matches = [];
    if (S.rx) for (let i = 0; i < S.n; i++) if (S.match[i] && S.vis[i]) S.matches.push(i);
    S.matches.sort((a, b) => S.t0[a] - S.t0[b]);
    S.matchPos = -1;
    el('matches').textContent = S.rx ? S.matches.length + ' match' + (S.matches.length === 1 ? '' : 'es') : '';
  }

  function rebuildRows() {
    const rows = [];
    const walk = nd => {
      if (nd.count === 0) return;
      rows.push(nd);
      if (nd.list.length && isExpanded(nd)) for (const ch of nd.list) walk(ch);
    };
    for (const r of S.roots) walk(r);
    S.rows = rows;
    spacer.style.height = Math.max(0, rows.length * ROW_H - H) + 'px';
    let shown = 0;
    for (let i = 0; i < S.n; i++) shown += S.vis[i];
    el('status').textContent = `${rows.length} rows, ${shown} of ${S.n} intervals shown`;
    el('status').dataset.rows = rows.length;
    el('status').dataset.shown = shown;
    renderSources();
    renderLegend();
    draw();
  }

  // ---------------------------------------------------------------- geometry
  const plotW = () => Math.max(10, W - LABEL_W - PAD_R);
  const xOf = t => LABEL_W + (t - S.v0) / (S.v1 - S.v0) * plotW();
  const tOf = x => S.v0 + (x - LABEL_W) / plotW() * (S.v1 - S.v0);

  function setWindow(a, b, keepHash) {
    const span = Math.max(MIN_SPAN_MS, b - a);
    const full = S.max - S.min;
    if (span >= full * 1.02) { a = S.min - full * 0.01; b = S.max + full * 0.01; }
    else { b = a + span; }
    S.v0 = a; S.v1 = b;
    draw();
    if (!keepHash) saveHash();
  }
  function resetWindow() { setWindow(S.min - (S.max - S.min) * 0.01, S.max + (S.max - S.min) * 0.01); }
  function zoom(factor, atT) {
    const c = atT == null ? (S.v0 + S.v1) / 2 : atT;
    setWindow(c - (c - S.v0) * factor, c + (S.v1 - c) * factor);
  }
  function pan(frac) { const d = (S.v1 - S.v0) * frac; setWindow(S.v0 + d, S.v1 + d); }

  // The overview strip: one lane per group that has intervals, its label in the label column.
  // Lanes sit OV_PITCH px apart so their labels never overlap; the strip grows with the
  // number of lanes up to OV_MAX_H, beyond that lanes get thinner and the labels smaller
  // (a label that would still touch its neighbour is left out, never drawn over it). The
  // bottom OV_AXIS_H px hold the start and end times, under the lanes rather than on them.
  const OV_MIN_H = 54, OV_MAX_H = 150, OV_TOP = 3, OV_PITCH = 10, OV_AXIS_H = 13;
  let ovH = OV_MIN_H;
  function overviewHeight() {
    const lanes = S.roots.filter(r => r.all.length > 0).length;
    return Math.max(OV_MIN_H, Math.min(OV_MAX_H, OV_TOP + lanes * OV_PITCH + OV_AXIS_H));
  }

  function resize() {
    DPR = window.devicePixelRatio || 1;
    ovH = overviewHeight();
    const r = viewport.getBoundingClientRect();
    W = Math.max(300, Math.floor(r.width - (viewport.offsetWidth - viewport.clientWidth)));
    H = Math.max(50, Math.floor(r.height));
    for (const [c, h] of [[canvas, H], [overlay, H], [axis, 26], [overview, ovH]]) {
      const w = c === axis || c === overview ? Math.floor(c.parentElement.clientWidth) : W;
      c.width = Math.floor(w * DPR); c.height = Math.floor(h * DPR);
      c.style.width = w + 'px'; c.style.height = h + 'px';
    }
    overviewCache = null;
    rebuildRows();
  }

  // ---------------------------------------------------------------- drawing
  let drawQueued = false;
  function draw() {
    if (drawQueued) return;
    drawQueued = true;
    requestAnimationFrame(() => { drawQueued = false; drawNow(); });
  }

  function fmtTime(t, withDate) {
    const d = new Date(t);
    const iso = d.toISOString();
    return withDate ? iso.replace('T', ' ').replace('Z', 'Z') : iso.slice(11, 23);
  }
  function fmtDur(ms) {
    if (ms < 1000) return Math.round(ms) + 'ms';
    let s = Math.round(ms / 1000);
    const h = Math.floor(s / 3600); s -= h * 3600;
    const m = Math.floor(s / 60); s -= m * 60;
    return (h ? h + 'h' : '') + (h || m ? m + 'm' : '') + s + 's';
  }

  const TICKS = [1e3, 2e3, 5e3, 10e3, 15e3, 30e3, 60e3, 120e3, 300e3, 600e3, 900e3, 1800e3, 3600e3, 7200e3, 3 * 3600e3, 6 * 3600e3, 12 * 3600e3, 86400e3, 2 * 86400e3, 7 * 86400e3];
  function tickStep(px) {
    const per = (S.v1 - S.v0) / plotW() * px;
    for (const s of TICKS) if (s >= per) return s;
    return TICKS[TICKS.length - 1];
  }

  function drawNow() {
    const t = performance.now();
    drawRows();
    drawAxis();
    drawOverview();
    drawOverlay();
    const span = S.v1 - S.v0;
    el('window').textContent = `${fmtTime(S.v0, true)} → ${fmtTime(S.v1, true)} (${fmtDur(span)})` +
      (S.collectionTime ? ` · collected ${fmtTime(S.collectionTime, true)}` : '');
    S.perf.drawMs = performance.now() - t;
  }

  function drawRows() {
    ctx.setTransform(DPR, 0, 0, DPR, 0, 0);
    ctx.clearRect(0, 0, W, H);
    const first = Math.floor(S.scrollTop / ROW_H);
    const off = -(S.scrollTop - first * ROW_H);
    const last = Math.min(S.rows.length, first + Math.ceil(H / ROW_H) + 1);
    const pw = plotW();
    // grid
    const step = tickStep(90);
    ctx.fillStyle = '#f0f0f3';
    for (let g = Math.ceil(S.v0 / step) * step; g < S.v1; g += step) ctx.fillRect(Math.round(xOf(g)), 0, 1, H);
    if (S.collectionTime) { ctx.fillStyle = '#b0b0b8'; ctx.fillRect(Math.round(xOf(S.collectionTime)), 0, 1, H); }
    ctx.font = '12px system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif';
    ctx.textBaseline = 'middle';
    const searching = !!S.rx;
    for (let r = first; r < last; r++) {
      const nd = S.rows[r];
      const y = off + (r - first) * ROW_H;
      const isCat = nd.depth === 0;
      if (isCat) { ctx.fillStyle = '#eceef2'; ctx.fillRect(0, y, W, ROW_H); }
      else if (r % 2) { ctx.fillStyle = '#fafafb'; ctx.fillRect(0, y, W, ROW_H); }
      // intervals
      const expanded = nd.list.length && isExpanded(nd);
      const idx = expanded ? nd.own : nd.all;
      const summary = !expanded && nd.list.length > 0;
      const h = isCat || summary ? ROW_H - 8 : ROW_H - 6, yy = y + (ROW_H - h) / 2;
      let matchesInRow = 0;
      // draw non-matches first (dimmed when searching), then matches on top
      for (let pass = 0; pass < (searching ? 2 : 1); pass++) {
        ctx.globalAlpha = searching && pass === 0 ? 0.22 : summary ? 0.85 : 1;
        let lastCol = -1, lastEnd = -1e9;
        for (let k = 0; k < idx.length; k++) {
          const i = idx[k];
          if (!S.vis[i]) continue;
          if (searching && (S.match[i] ? 0 : 1) !== (pass === 0 ? 1 : 0)) continue;
          const a = S.t0[i];
          if (a > S.v1) break;
          const b = S.t1[i];
          if (b < S.v0) continue;
          let x0 = xOf(a), x1 = xOf(b);
          if (x0 < LABEL_W) x0 = LABEL_W;
          if (x1 > LABEL_W + pw) x1 = LABEL_W + pw;
          if (x1 - x0 < 2) { x0 -= 1; x1 = x0 + 2; }
          const c = S.col[i];
          if (c === lastCol && x1 <= lastEnd) continue;   // sub-pixel duplicate
          ctx.fillStyle = COLOR_HEX[c];
          ctx.fillRect(x0, yy, x1 - x0, h);
          if (searching && pass === 1) {
            matchesInRow++;
            ctx.strokeStyle = '#111'; ctx.lineWidth = 1;
            ctx.strokeRect(Math.floor(x0) - 0.5, yy - 1.5, Math.max(2, x1 - x0) + 1, h + 3);
          }
          lastCol = c; lastEnd = Math.max(lastEnd, x1);
        }
      }
      ctx.globalAlpha = 1;
      // label
      ctx.fillStyle = isCat ? '#eceef2' : (r % 2 ? '#fafafb' : '#ffffff');
      ctx.fillRect(0, y, LABEL_W - 4, ROW_H);
      const indent = 6 + nd.depth * 14;
      ctx.fillStyle = '#555';
      if (nd.list.length) ctx.fillText(expanded ? '▾' : '▸', indent - 2, y + ROW_H / 2 + 1);
      ctx.fillStyle = isCat ? '#111' : '#222';
      ctx.font = (isCat ? '600 ' : '') + '12px system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif';
      const countTxt = String(nd.count);
      const cw = ctx.measureText(countTxt).width;
      const maxw = LABEL_W - indent - 16 - cw - 14;
      ctx.fillText(fit(nd.label, maxw), indent + 10, y + ROW_H / 2 + 1);
      ctx.font = '11px system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif';
      ctx.fillStyle = '#8a8a90';
      ctx.fillText(countTxt, LABEL_W - 10 - cw, y + ROW_H / 2 + 1);
      if (searching && rowHasMatch(nd)) { ctx.fillStyle = '#f2c200'; ctx.fillRect(0, y + 2, 3, ROW_H - 4); }
      ctx.font = '12px system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif';
      ctx.fillStyle = '#e3e3e8'; ctx.fillRect(0, y + ROW_H - 1, W, 1);
    }
    ctx.fillStyle = '#d9d9de'; ctx.fillRect(LABEL_W - 4, 0, 1, H);
    if (!S.rows.length) {
      ctx.fillStyle = '#6b6b70'; ctx.fillText(S.n ? 'No intervals match the filters.' : 'No intervals.', LABEL_W + 10, 20);
    }
  }

  const fitCache = new Map();
  function fit(s, maxw) {
    const key = maxw + '\u0000' + s;
    let v = fitCache.get(key);
    if (v !== undefined) return v;
    v = s;
    if (ctx.measureText(s).width > maxw) {
      let lo = 0, hi = s.length;
      while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (ctx.measureText(s.slice(0, mid) + '…').width <= maxw) lo = mid; else hi = mid - 1; }
      v = s.slice(0, lo) + '…';
    }
    if (fitCache.size > 20000) fitCache.clear();
    fitCache.set(key, v);
    return v;
  }
  function rowHasMatch(nd) {
    if (nd._mq === S.q && nd._mv === S.vis) return nd._m;
    let m = false;
    for (const i of nd.all) if (S.match[i] && S.vis[i]) { m = true; break; }
    nd._mq = S.q; nd._mv = S.vis; nd._m = m;
    return m;
  }

  function drawAxis() {
    const w = axis.width / DPR;
    actx.setTransform(DPR, 0, 0, DPR, 0, 0);
    actx.clearRect(0, 0, w, 26);
    actx.fillStyle = '#fff'; actx.fillRect(0, 0, w, 26);
    actx.font = '11px system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif';
    actx.textBaseline = 'middle';
    const step = tickStep(90);
    let lastDay = '';
    for (let g = Math.ceil(S.v0 / step) * step; g < S.v1; g += step) {
      const x = Math.round(xOf(g));
      if (x < LABEL_W) continue;
      actx.fillStyle = '#999'; actx.fillRect(x, 18, 1, 8);
      const iso = new Date(g).toISOString();
      const day = iso.slice(0, 10);
      let label = step < 60e3 ? iso.slice(11, 19) : iso.slice(11, 16);
      if (step >= 86400e3) label = day;
      else if (day !== lastDay) { label = day.slice(5) + ' ' + label; lastDay = day; }
      actx.fillStyle = '#333'; actx.fillText(label, x + 3, 9);
    }
    actx.fillStyle = '#6b6b70';
    actx.fillText('UTC · click to pin the cursor', 8, 13);
  }

  function drawOverview() {
    const w = overview.width / DPR, h = ovH;
    if (!overviewCache) {
      const c = document.createElement('canvas');
      c.width = overview.width; c.height = overview.height;
      const g = c.getContext('2d');
      g.setTransform(DPR, 0, 0, DPR, 0, 0);
      g.fillStyle = '#fbfbfc'; g.fillRect(0, 0, w, h);
      const used = S.roots.filter(r => r.count > 0);
      const pitch = Math.max(2, Math.min(OV_PITCH, (h - OV_TOP - OV_AXIS_H) / Math.max(1, used.length)));
      const laneH = Math.min(8, pitch);
      const fontPx = Math.max(7, Math.min(9, Math.floor(pitch) - 1));
      let labelEnd = -Infinity;
      const span = S.max - S.min || 1;
      const ox = t => LABEL_W + (t - S.min) / span * (w - LABEL_W - PAD_R);
      used.forEach((nd, li) => {
        const y = OV_TOP + li * pitch;
        g.globalAlpha = 0.5;
        let lastCol = -1, lastEnd = -1;
        for (const i of nd.all) {
          if (!S.vis[i]) continue;
          let x0 = ox(S.t0[i]), x1 = ox(S.t1[i]);
          if (x1 - x0 < 1) x1 = x0 + 1;
          if (S.col[i] === lastCol && x1 <= lastEnd) continue;
          g.fillStyle = COLOR_HEX[S.col[i]];
          g.fillRect(x0, y, x1 - x0, laneH - 1);
          lastCol = S.col[i]; lastEnd = x1;
        }
        g.globalAlpha = 1;
        const mid = y + (laneH - 1) / 2;
        if (mid - fontPx / 2 >= labelEnd) {
          g.fillStyle = '#6b6b70';
          g.font = fontPx + 'px system-ui, sans-serif'; g.textBaseline = 'middle';
          g.fillText(fitOverview(g, nd.label), 6, mid);
          labelEnd = mid + fontPx / 2;
        }
      });
      g.fillStyle = '#6b6b70'; g.font = '10px system-ui, sans-serif'; g.textBaseline = 'bottom';
      g.fillText(fmtTime(S.min, true), LABEL_W, h - 1);
      const endTxt = fmtTime(S.max, true);
      g.fillText(endTxt, w - PAD_R - g.measureText(endTxt).width, h - 1);
      overviewCache = c;
    }
    vctx.setTransform(1, 0, 0, 1, 0, 0);
    vctx.clearRect(0, 0, overview.width, overview.height);
    vctx.drawImage(overviewCache, 0, 0);
    vctx.setTransform(DPR, 0, 0, DPR, 0, 0);
    const span = S.max - S.min || 1;
    const ox = t => LABEL_W + (t - S.min) / span * (w - LABEL_W - PAD_R);
    const a = Math.max(LABEL_W, ox(S.v0)), b = Math.min(w - PAD_R, ox(S.v1));
    vctx.fillStyle = 'rgba(30,123,217,0.12)'; vctx.fillRect(a, 0, Math.max(2, b - a), h);
    vctx.strokeStyle = '#1e7bd9'; vctx.lineWidth = 1; vctx.strokeRect(a + 0.5, 0.5, Math.max(2, b - a) - 1, h - 1);
    if (S.cursorT != null) { vctx.fillStyle = '#d0312d'; vctx.fillRect(ox(S.cursorT), 0, 1, h); }
  }
  function fitOverview(g, s) { return s.length > 40 ? s.slice(0, 39) + '…' : s; }

  let brush = null; // {x0, x1} in main plot
  function drawOverlay() {
    octx.setTransform(DPR, 0, 0, DPR, 0, 0);
    octx.clearRect(0, 0, W, H);
    if (brush) {
      const a = Math.min(brush.x0, brush.x1), b = Math.max(brush.x0, brush.x1);
      octx.fillStyle = 'rgba(30,123,217,0.15)'; octx.fillRect(a, 0, b - a, H);
      octx.fillStyle = '#1e7bd9'; octx.fillRect(a, 0, 1, H); octx.fillRect(b, 0, 1, H);
    }
    const outline = (i, color, width) => {
      const r = rowOfItem(i);
      if (r < 0) return;
      const y = r * ROW_H - S.scrollTop;
      if (y < -ROW_H || y > H) return;
      let x0 = Math.max(LABEL_W, xOf(S.t0[i])), x1 = Math.min(LABEL_W + plotW(), xOf(S.t1[i]));
      if (x1 - x0 < 2) { x0 -= 1; x1 = x0 + 2; }
      octx.strokeStyle = color; octx.lineWidth = width;
      octx.strokeRect(x0 - 1.5, y + 1.5, x1 - x0 + 3, ROW_H - 3);
    };
    if (S.hover >= 0) outline(S.hover, '#1e7bd9', 2);
    if (S.selected >= 0) outline(S.selected, '#111', 2);
    if (S.cursorT != null && S.cursorT >= S.v0 && S.cursorT <= S.v1) {
      const x = Math.round(xOf(S.cursorT)) + 0.5;
      octx.strokeStyle = S.pinned ? '#d0312d' : 'rgba(208,49,45,0.8)'; octx.lineWidth = 1;
      octx.beginPath(); octx.moveTo(x, 0); octx.lineTo(x, H); octx.stroke();
    }
  }

  // row of an item: the deepest visible row whose drawn list contains it
  function rowOfItem(i) {
    for (let r = 0; r < S.rows.length; r++) {
      const nd = S.rows[r];
      const expanded = nd.list.length && isExpanded(nd);
      const idx = expanded ? nd.own : nd.all;
      if (binHas(idx, i)) return r;
    }
    return -1;
  }
  function binHas(idx, i) {
    // idx sorted by t0; search the t0 range then scan equals
    const t = S.t0[i];
    let lo = 0, hi = idx.length;
    while (lo < hi) { const m = (lo + hi) >> 1; if (S.t0[idx[m]] < t) lo = m + 1; else hi = m; }
    for (let k = lo; k < idx.length && S.t0[idx[k]] === t; k++) if (idx[k] === i) return true;
    return false;
  }

  // ---------------------------------------------------------------- hit testing
  function hitTest(mx, my) {
    S.scrollTop = viewport.scrollTop;
    const r = Math.floor((my + S.scrollTop) / ROW_H);
    if (r < 0 || r >= S.rows.length) return { row: -1, item: -1 };
    const nd = S.rows[r];
    if (mx < LABEL_W) return { row: r, item: -1, node: nd };
    const expanded = nd.list.length && isExpanded(nd);
    const idx = expanded ? nd.own : nd.all;
    const t = tOf(mx), tol = (S.v1 - S.v0) / plotW() * 3;
    let best = -1, bestSpan = Infinity, bestMatch = 0;
    for (const i of idx) {
      if (!S.vis[i]) continue;
      if (S.t0[i] - tol > t) break;
      if (S.t1[i] + tol < t) continue;
      const span = S.t1[i] - S.t0[i];
      const m = S.rx ? S.match[i] : 0;
      if (m > bestMatch || (m === bestMatch && span < bestSpan)) { best = i; bestSpan = span; bestMatch = m; }
    }
    return { row: r, item: best, node: nd };
  }

  function overlapping(t) {
    const out = [];
    for (let i = 0; i < S.n; i++) if (S.vis[i] && S.t0[i] <= t && S.t1[i] >= t) out.push(i);
    return out;
  }

  // ---------------------------------------------------------------- side panels
  const esc = s => String(s).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

  let cursorQueued = false;
  function updateCursorList() {
    if (cursorQueued) return;
    cursorQueued = true;
    requestAnimationFrame(() => {
      cursorQueued = false;
      const box = el('cursorlist');
      if (S.cursorT == null) return;
      el('cursortime').textContent = fmtTime(S.cursorT, true);
      const hits = overlapping(S.cursorT);
      hits.sort((a, b) => S.cat[a] - S.cat[b] || S.t0[a] - S.t0[b]);
      const LIMIT = 400;
      let html = `<p class="hint">${hits.length} interval${hits.length === 1 ? '' : 's'} overlap this moment</p>`;
      let lastCat = -1;
      for (let k = 0; k < Math.min(LIMIT, hits.length); k++) {
        const i = hits[k], it = S.items[i];
        if (S.cat[i] !== lastCat) { lastCat = S.cat[i]; html += `<div class="grp">${esc(CATEGORIES[lastCat].label)}</div>`; }
        const msg = it.message || {};
        const text = locatorString(it.locator) + ' — ' + (msg.reason ? msg.reason + ' ' : '') + (msg.humanMessage || '');
        html += `<div class="it${S.match[i] && S.rx ? ' m' : ''}" data-i="${i}" title="${esc(text)}"><i data-bg="${COLOR_HEX[S.col[i]]}"></i><span>${esc(text)}</span></div>`;
      }
      if (hits.length > LIMIT) html += `<p class="hint">… and ${hits.length - LIMIT} more</p>`;
      box.innerHTML = html;
      paintSwatches(box);
    });
  }

  function apiLinks(it) {
    const loc = it.locator || {}, k = loc.keys || {}, ann = (it.message && it.message.annotations) || {};
    const links = [];
    const e = encodeURIComponent;
    const nsPath = (ns, g, res, name) => (g === '' ? 'api/v1' : 'apis/' + g) + (ns ? '/namespaces/' + e(ns) : '') + '/' + res + '/' + e(name);
    const KINDS = {
      Pod: ['', 'pods', 1], Node: ['', 'nodes', 0], Namespace: ['', 'namespaces', 0], Service: ['', 'services', 1],
      ConfigMap: ['', 'configmaps', 1], Secret: ['', 'secrets', 1], ServiceAccount: ['', 'serviceaccounts', 1],
      PersistentVolumeClaim: ['', 'persistentvolumeclaims', 1], PersistentVolume: ['', 'persistentvolumes', 0],
      Endpoints: ['', 'endpoints', 1], ReplicationController: ['', 'replicationcontrollers', 1],
      Deployment: ['apps/v1', 'deployments', 1], ReplicaSet: ['apps/v1', 'replicasets', 1], DaemonSet: ['apps/v1', 'daemonsets', 1],
      StatefulSet: ['apps/v1', 'statefulsets', 1], Job: ['batch/v1', 'jobs', 1], CronJob: ['batch/v1', 'cronjobs', 1],
      ClusterOperator: ['config.openshift.io/v1', 'clusteroperators', 0], ClusterVersion: ['config.openshift.io/v1', 'clusterversions', 0],
      PodDisruptionBudget: ['policy/v1', 'poddisruptionbudgets', 1], Lease: ['coordination.k8s.io/v1', 'leases', 1],
    };
    const add = (label, path) => links.push([label, new URL(path, BASE).href, path]);
    if (loc.type === 'KubeEvent' && k.kind && KINDS[k.kind]) {
      const [g, res, namespaced] = KINDS[k.kind];
      add(k.kind + ' ' + k.name, nsPath(namespaced ? k.namespace : '', g, res, k.name));
    } else if (k.namespace && k.pod) {
      add('pod ' + k.pod, nsPath(k.namespace, '', 'pods', k.pod));
      if (k.container) add('log of ' + k.container, nsPath(k.namespace, '', 'pods', k.pod) + '/log?container=' + e(k.container));
    } else if (k.clusteroperator) {
      add('clusteroperator ' + k.clusteroperator, nsPath('', 'config.openshift.io/v1', 'clusteroperators', k.clusteroperator));
    } else if (k.clusterversion) {
      add('clusterversion ' + k.clusterversion, nsPath('', 'config.openshift.io/v1', 'clusterversions', k.clusterversion));
    }
    if (k.node && !(loc.type === 'KubeEvent' && k.kind === 'Node')) add('node ' + k.node, nsPath('', '', 'nodes', k.node));
    if (ann.event) add('event ' + ann.event, nsPath(ann['event-namespace'] || k.namespace || 'default', '', 'events', ann.event));
    return links;
  }

  function showDetail(i) {
    S.selected = i;
    drawOverlay();
    const pane = el('detail'), body = el('detailbody');
    if (i < 0) { pane.hidden = true; return; }
    const it = S.items[i], loc = it.locator || {}, msg = it.message || {}, keys = loc.keys || {}, ann = msg.annotations || {};
    let h = '<table>';
    h += `<tr><td>level</td><td><span class="lvl ${esc(it.level)}">${esc(it.level)}</span> <span class="swatch" data-bg="${COLOR_HEX[S.col[i]]}"></span> ${esc(COLORS[COLOR_KEYS[S.col[i]]][1])}</td></tr>`;
    h += `<tr><td>source</td><td>${esc(it.source || '')}${it.display ? ' · display' : ''}</td></tr>`;
    h += `<tr><td>from</td><td>${esc(it.from || '')}</td></tr>`;
    h += `<tr><td>to</td><td>${esc(it.to || '(open)')}</td></tr>`;
    h += `<tr><td>duration</td><td>${fmtDur(S.t1[i] - S.t0[i])}</td></tr>`;
    h += `<tr><td>group</td><td>${esc(CATEGORIES[S.cat[i]].label)}</td></tr></table>`;
    h += `<h4>Locator · ${esc(loc.type || 'untyped')}</h4><table>`;
    for (const k of sortKeys(Object.keys(keys))) h += `<tr><td>${esc(k)}</td><td>${esc(keys[k])}</td></tr>`;
    h += `</table><div class="msg">${esc(locatorString(loc))}</div>`;
    h += '<h4>Message</h4><table>';
    if (msg.reason) h += `<tr><td>reason</td><td>${esc(msg.reason)}</td></tr>`;
    if (msg.cause) h += `<tr><td>cause</td><td>${esc(msg.cause)}</td></tr>`;
    h += '</table>';
    if (msg.humanMessage) h += `<div class="msg">${esc(msg.humanMessage)}</div>`;
    const ak = Object.keys(ann).sort();
    if (ak.length) {
      h += '<h4>Annotations</h4><table>';
      for (const k of ak) h += `<tr><td>${esc(k)}</td><td>${esc(ann[k])}</td></tr>`;
      h += '</table>';
    }
    const links = apiLinks(it);
    if (links.length) {
      h += '<h4>In the API</h4><div class="links">';
      for (const [label, href, path] of links) h += `<a href="${esc(href)}" target="_blank" rel="noopener" title="${esc(path)}" data-path="${esc(path)}">${esc(label)}</a>`;
      h += '</div>';
    }
    body.innerHTML = h;
    paintSwatches(body);
    pane.hidden = false;
  }

  function renderSources() {
    const counts = new Map();
    for (let i = 0; i < S.n; i++) {
      const s = S.sources[S.src[i]];
      counts.set(s, (counts.get(s) || 0) + 1);
    }
    const box = el('sources');
    const srcs = [...counts.keys()].sort();
    const sig = srcs.map(s => s + (S.hiddenSrc.has(s) ? '-' : '+')).join(',');
    if (box.dataset.sig === sig) return;
    box.dataset.sig = sig;
    box.innerHTML = '<span class="hint nopad">sources:</span> ' + srcs.map(s =>
      `<label class="chip${S.hiddenSrc.has(s) ? ' off' : ''}" data-src="${esc(s)}"><input type="checkbox" ${S.hiddenSrc.has(s) ? '' : 'checked'}>${esc(s)} <span class="n">${counts.get(s)}</span></label>`).join(' ');
    const lv = el('levels');
    const lc = [0, 0, 0];
    for (let i = 0; i < S.n; i++) lc[S.lv[i]]++;
    lv.innerHTML = LEVELS.map((l, j) =>
      `<label class="chip${S.levels.has(l) ? '' : ' off'}" data-level="${l}"><input type="checkbox" ${S.levels.has(l) ? 'checked' : ''}><span class="sw" data-bg="${COLORS[l][0]}"></span>${l} <span class="n">${lc[j]}</span></label>`).join(' ');
    paintSwatches(lv);
  }

  // Colours go through the CSSOM: the page's Content-Security-Policy (style-src 'self') blocks
  // style="" attributes in markup, not element.style.
  function paintSwatches(root) {
    for (const e of root.querySelectorAll('[data-bg]')) e.style.background = e.dataset.bg;
  }

  function renderLegend() {
    const used = new Map();
    for (let i = 0; i < S.n; i++) if (S.vis[i]) used.set(S.col[i], (used.get(S.col[i]) || 0) + 1);
    const keys = [...used.keys()].sort((a, b) => a - b);
    const sig = keys.join(',');
    const box = el('legend');
    if (box.dataset.sig === sig) return;
    box.dataset.sig = sig;
    box.innerHTML = keys.map(c => `<span title="${esc(COLOR_KEYS[c])}: ${used.get(c)}"><i data-bg="${COLOR_HEX[c]}"></i>${esc(COLORS[COLOR_KEYS[c]][1])}</span>`).join('');
    paintSwatches(box);
  }

  // ---------------------------------------------------------------- URL hash
  let hashTimer = null, applyingHash = false;
  function saveHash() {
    if (applyingHash) return;
    clearTimeout(hashTimer);
    hashTimer = setTimeout(() => {
      const p = new URLSearchParams();
      const full = Math.abs(S.v0 - (S.min - (S.max - S.min) * 0.01)) < 1 && Math.abs(S.v1 - (S.max + (S.max - S.min) * 0.01)) < 1;
      if (!full) { p.set('from', new Date(S.v0).toISOString()); p.set('to', new Date(S.v1).toISOString()); }
      if (S.q) p.set('q', S.q);
      if (S.only) p.set('only', '1');
      if (S.hiddenSrc.size) p.set('hide', [...S.hiddenSrc].sort().join(','));
      if (S.levels.size !== LEVELS.length) p.set('level', LEVELS.filter(l => S.levels.has(l)).join(',') || 'none');
      if (S.toggled.size) p.set('rows', [...S.toggled].map(k => k.split('\u001f').join('/')).join('|'));
      const h = p.toString();
      const target = h ? '#' + h : location.pathname + location.search;
      if (('#' + h) !== location.hash && !(h === '' && location.hash === '')) history.replaceState(null, '', target);
    }, 150);
  }

  function loadHash() {
    applyingHash = true;
    const p = new URLSearchParams(location.hash.slice(1));
    S.q = p.get('q') || '';
    el('search').value = S.q;
    S.only = p.get('only') === '1';
    el('only').checked = S.only;
    S.hiddenSrc = new Set((p.get('hide') || '').split(',').filter(Boolean));
    const lv = p.get('level');
    S.levels = new Set(lv ? lv.split(',').filter(l => LEVELS.includes(l)) : LEVELS);
    S.toggled = new Set((p.get('rows') || '').split('|').filter(Boolean).map(k => k.split('/').length > 1 ? keyFromPath(k) : k));
    const a = Date.parse(p.get('from') || ''), b = Date.parse(p.get('to') || '');
    el('sources').dataset.sig = '';
    applySearch();
    if (!isNaN(a) && !isNaN(b) && b > a) setWindow(a, b, true); else resetWindow();
    applyingHash = false;
  }
  // row keys are "cat<US>label<US>label"; in the URL they are "cat/label/label" (labels may hold '/')
  function keyFromPath(k) {
    const cat = k.split('/')[0];
    const rest = k.slice(cat.length + 1);
    // find the node whose key matches when US is replaced by '/'
    for (const key of S.nodes.keys()) if (key.split('\u001f').join('/') === k) return key;
    return cat + '\u001f' + rest;
  }

  // ---------------------------------------------------------------- navigation
  function revealItem(i) {
    // expand ancestors of the deepest node holding the item
    const [, path] = categorize(S.items[i]);
    let nd = S.roots[S.cat[i]];
    const chain = [nd];
    for (const label of path) {
      if (!label) break;
      const ch = nd.children.get(label);
      if (!ch) break;
      nd = ch; chain.push(nd);
    }
    let changed = false;
    for (let d = 0; d < chain.length - 1; d++) if (!isExpanded(chain[d])) { setExpanded(chain[d], true); changed = true; }
    if (changed) { rebuildRows(); saveHash(); }
    const r = rowOfItem(i);
    if (r >= 0) {
      const y = r * ROW_H;
      if (y < S.scrollTop || y > S.scrollTop + H - ROW_H * 2) { viewport.scrollTop = Math.max(0, y - H / 3); S.scrollTop = viewport.scrollTop; draw(); }
    }
    const span = S.v1 - S.v0;
    if (S.t1[i] < S.v0 || S.t0[i] > S.v1) {
      const c = (S.t0[i] + S.t1[i]) / 2;
      setWindow(c - span / 2, c + span / 2);
    }
  }
  function gotoMatch(dir) {
    if (!S.matches.length) return;
    S.matchPos = (S.matchPos + dir + S.matches.length) % S.matches.length;
    const i = S.matches[S.matchPos];
    revealItem(i);
    showDetail(i);
    el('matches').textContent = `${S.matchPos + 1} / ${S.matches.length}`;
    draw();
  }

  // ---------------------------------------------------------------- events
  let suppressClick = false;
  let drag = null; // {kind: 'brush'|'overview-move'|'overview-new', ...}
  function overviewT(x) {
    const w = overview.width / DPR;
    return S.min + (x - LABEL_W) / (w - LABEL_W - PAD_R) * (S.max - S.min);
  }

  function showTooltip(i, ev) {
    const tip = el('tooltip');
    if (i < 0) { tip.hidden = true; return; }
    const it = S.items[i], msg = it.message || {};
    tip.textContent = `${locatorString(it.locator)}\n${it.level} ${it.source || ''} ${msg.reason || ''}${msg.cause ? ' (' + msg.cause + ')' : ''}\n${(msg.humanMessage || '').slice(0, 600)}\n${it.from} → ${it.to || 'open'}  [${fmtDur(S.t1[i] - S.t0[i])}]`;
    tip.hidden = false;
    const x = Math.min(window.innerWidth - tip.offsetWidth - 8, ev.clientX + 14);
    const y = ev.clientY + 16 + tip.offsetHeight > window.innerHeight ? ev.clientY - tip.offsetHeight - 8 : ev.clientY + 16;
    tip.style.left = x + 'px'; tip.style.top = y + 'px';
  }

  function bind() {
    window.addEventListener('resize', resize);
    viewport.addEventListener('scroll', () => { S.scrollTop = viewport.scrollTop; draw(); });

    overlay.addEventListener('mousemove', ev => {
      const r = overlay.getBoundingClientRect();
      const mx = ev.clientX - r.left, my = ev.clientY - r.top;
      if (drag && drag.kind === 'brush') { brush.x1 = Math.max(LABEL_W, Math.min(LABEL_W + plotW(), mx)); drawOverlay(); return; }
      const hit = hitTest(mx, my);
      S.hover = hit.item;
      if (mx >= LABEL_W && !S.pinned) { S.cursorT = tOf(mx); updateCursorList(); }
      overlay.style.cursor = mx < LABEL_W ? (hit.node && hit.node.list.length ? 'pointer' : 'default') : 'crosshair';
      showTooltip(hit.item, ev);
      drawOverlay();
    });
    overlay.addEventListener('mouseleave', () => { S.hover = -1; el('tooltip').hidden = true; drawOverlay(); });
    overlay.addEventListener('mousedown', ev => {
      if (ev.button !== 0) return;
      const r = overlay.getBoundingClientRect();
      const mx = ev.clientX - r.left;
      if (mx >= LABEL_W) { drag = { kind: 'brush', sx: mx, sy: ev.clientY }; brush = { x0: mx, x1: mx }; ev.preventDefault(); }
    });
    window.addEventListener('mouseup', ev => {
      if (!drag) return;
      const d = drag; drag = null;
      if (d.kind === 'brush') {
        const a = Math.min(brush.x0, brush.x1), b = Math.max(brush.x0, brush.x1);
        brush = null;
        if (b - a > 5) { suppressClick = true; setWindow(tOf(a), tOf(b)); return; }
        drawOverlay();
      }
    });
    overlay.addEventListener('click', ev => {
      const r = overlay.getBoundingClientRect();
      const mx = ev.clientX - r.left, my = ev.clientY - r.top;
      const hit = hitTest(mx, my);
      if (mx < LABEL_W) {
        if (hit.node && hit.node.list.length) {
          setExpanded(hit.node, !isExpanded(hit.node));
          rebuildRows(); saveHash();
        }
        return;
      }
      if (suppressClick) { suppressClick = false; return; }
      if (hit.item >= 0) showDetail(hit.item);
    });
    overlay.addEventListener('wheel', ev => {
      const r = overlay.getBoundingClientRect();
      const mx = ev.clientX - r.left;
      if (ev.ctrlKey || ev.altKey || ev.metaKey) {
        ev.preventDefault();
        zoom(Math.pow(1.0015, ev.deltaY), mx >= LABEL_W ? tOf(mx) : null);
      } else if (ev.shiftKey) {
        ev.preventDefault();
        pan((ev.deltaY || ev.deltaX) / 1000);
      }
    }, { passive: false });

    axis.addEventListener('click', ev => {
      const r = axis.getBoundingClientRect();
      const mx = ev.clientX - r.left;
      if (mx < LABEL_W) return;
      S.cursorT = tOf(mx); S.pinned = true; el('pin').checked = true;
      updateCursorList(); drawOverlay(); drawOverview();
    });

    overview.addEventListener('mousedown', ev => {
      const r = overview.getBoundingClientRect();
      const mx = ev.clientX - r.left;
      if (mx < LABEL_W) return;
      const t = overviewT(mx);
      if (t >= S.v0 && t <= S.v1) drag = { kind: 'overview-move', t, v0: S.v0, v1: S.v1 };
      else drag = { kind: 'overview-new', t };
      ev.preventDefault();
    });
    window.addEventListener('mousemove', ev => {
      if (!drag || drag.kind === 'brush') return;
      const r = overview.getBoundingClientRect();
      const t = overviewT(ev.clientX - r.left);
      if (drag.kind === 'overview-move') {
        const d = t - drag.t;
        S.v0 = drag.v0 + d; S.v1 = drag.v1 + d; draw();
      } else {
        const a = Math.min(drag.t, t), b = Math.max(drag.t, t);
        if (b - a > MIN_SPAN_MS) { S.v0 = a; S.v1 = b; draw(); }
      }
    });
    window.addEventListener('mouseup', () => saveHash());
    overview.addEventListener('dblclick', () => resetWindow());

    const search = el('search');
    let st = null;
    search.addEventListener('input', () => {
      clearTimeout(st);
      st = setTimeout(() => { S.q = search.value; applySearch(); saveHash(); }, 200);
    });
    search.addEventListener('keydown', ev => {
      if (ev.key === 'Enter') { clearTimeout(st); if (S.q !== search.value) { S.q = search.value; applySearch(); saveHash(); } gotoMatch(ev.shiftKey ? -1 : 1); ev.preventDefault(); }
      if (ev.key === 'Escape') { search.blur(); viewport.focus(); }
    });
    el('only').addEventListener('change', ev => { S.only = ev.target.checked; applyFilters(); collectMatches(); saveHash(); });
    el('next').addEventListener('click', () => gotoMatch(1));
    el('prev').addEventListener('click', () => gotoMatch(-1));
    el('reset').addEventListener('click', () => resetWindow());
    el('expand').addEventListener('click', () => expandAll(true));
    el('collapse').addEventListener('click', () => expandAll(false));
    el('closedetail').addEventListener('click', () => showDetail(-1));
    el('helpbtn').addEventListener('click', () => { el('help').hidden = !el('help').hidden; });
    el('closehelp').addEventListener('click', () => { el('help').hidden = true; });
    el('pin').addEventListener('change', ev => { S.pinned = ev.target.checked; drawOverlay(); });
    el('sources').addEventListener('change', ev => {
      const chip = ev.target.closest('[data-src]');
      if (!chip) return;
      const s = chip.dataset.src;
      if (ev.target.checked) S.hiddenSrc.delete(s); else S.hiddenSrc.add(s);
      applyFilters(); collectMatches(); saveHash();
    });
    el('levels').addEventListener('change', ev => {
      const chip = ev.target.closest('[data-level]');
      if (!chip) return;
      if (ev.target.checked) S.levels.add(chip.dataset.level); else S.levels.delete(chip.dataset.level);
      el('sources').dataset.sig = '';
      applyFilters(); collectMatches(); saveHash();
    });
    el('cursorlist').addEventListener('click', ev => {
      const d = ev.target.closest('[data-i]');
      if (!d) return;
      const i = +d.dataset.i;
      revealItem(i); showDetail(i); draw();
    });
    window.addEventListener('hashchange', () => { if (!applyingHash) loadHash(); });

    document.addEventListener('keydown', ev => {
      const tag = (ev.target && ev.target.tagName) || '';
      if (tag === 'INPUT' || tag === 'TEXTAREA' || ev.ctrlKey || ev.metaKey || ev.altKey) return;
      const k = ev.key;
      const at = S.cursorT != null && S.cursorT >= S.v0 && S.cursorT <= S.v1 ? S.cursorT : null;
      let handled = true;
      switch (k) {
        case 'ArrowLeft': case 'a': pan(-0.2); break;
        case 'ArrowRight': case 'd': pan(0.2); break;
        case '+': case '=': case 'w': zoom(0.5, at); break;
        case '-': case '_': case 's': zoom(2, at); break;
        case '0': case 'Home': resetWindow(); break;
        case 'ArrowDown': viewport.scrollTop += ROW_H; break;
        case 'ArrowUp': viewport.scrollTop -= ROW_H; break;
        case '/': el('search').focus(); el('search').select(); break;
        case 'n': gotoMatch(1); break;
        case 'N': gotoMatch(-1); break;
        case 'e': expandAll(true); break;
        case 'c': expandAll(false); break;
        case 'p': S.pinned = !S.pinned; el('pin').checked = S.pinned; drawOverlay(); break;
        case '?': el('help').hidden = !el('help').hidden; break;
        case 'Escape': if (!el('help').hidden) el('help').hidden = true; else showDetail(-1); break;
        default: handled = false;
      }
      if (handled) ev.preventDefault();
    });
  }

  function expandAll(on) {
    // categories stay open on "collapse" so every group still shows its summary row
    for (const nd of S.nodes.values()) if (nd.list.length) setExpanded(nd, nd.depth === 0 ? true : on);
    rebuildRows(); saveHash();
  }

  // ---------------------------------------------------------------- boot
  async function boot() {
    bind();
    const status = el('status');
    status.textContent = 'loading…';
    const t = performance.now();
    let payload;
    try {
      const resp = await fetch(DATA_URL, { headers: { Accept: 'application/json' } });
      if (!resp.ok) throw new Error(`${resp.status} ${resp.statusText}: ${(await resp.text()).slice(0, 300)}`);
      payload = await resp.json();
    } catch (e) {
      status.innerHTML = `<span id="error">could not load intervals: ${esc(e.message || e)}</span>`;
      return;
    }
    S.perf.fetchMs = performance.now() - t;
    el('cluster').textContent = payload.cluster ? 'cluster ' + payload.cluster : '';
    document.title = 'Intervals' + (payload.cluster ? ' · ' + payload.cluster : '');
    ingest(payload);
    resize();
    loadHash();
    S.perf.readyMs = performance.now() - t;
    document.body.dataset.ready = '1';
  }

  // a small surface for tests and for the console
  window.intervalsApp = {
    state: S,
    rows: () => S.rows.map(nd => ({ key: nd.key.split('\u001f').join('/'), label: nd.label, depth: nd.depth, count: nd.count, expanded: !!(nd.list.length && isExpanded(nd)) })),
    matches: () => S.matches.length,
    // page coordinates of the middle of an interval's bar (scrolls it into view first)
    locate: i => {
      if (!(i >= 0 && i < S.n)) return null;
      revealItem(i); drawNow();
      const r = rowOfItem(i);
      if (r < 0) return null;
      const rect = overlay.getBoundingClientRect();
      const x0 = Math.max(LABEL_W, xOf(S.t0[i])), x1 = Math.min(LABEL_W + plotW(), xOf(S.t1[i]));
      return { x: rect.left + (x0 + Math.max(x1, x0 + 2)) / 2, y: rect.top + r * ROW_H - viewport.scrollTop + ROW_H / 2 };
    },
    find: (pred) => { for (let i = 0; i < S.n; i++) if (S.vis[i] && pred(S.items[i])) return i; return -1; },
    setWindow: (a, b) => setWindow(a, b),
    perf: () => Object.assign({}, S.perf),
    redraw: () => { const t = performance.now(); drawNow(); return performance.now() - t; },
  };

  boot();
})();
