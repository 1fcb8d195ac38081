// staticapi logs page: search-as-you-type highlight and line permalinks.
// Our own code (no CDN). Log text is only ever handled as text nodes, never as HTML.
'use strict';
(function () {
  const log = document.getElementById('log');
  const box = document.getElementById('logsearch');
  const only = document.getElementById('logonly');
  const count = document.getElementById('logcount');
  if (!log || !box) return;
  const lines = Array.from(log.querySelectorAll('.ln'));
  const texts = lines.map(l => l.lastElementChild.textContent);
  let marks = [], cur = -1, timer = null;

  function clear() {
    for (const m of log.querySelectorAll('.ln.hl')) {
      const span = m.lastElementChild;
      span.textContent = texts[+m.dataset.i];
      m.classList.remove('hl');
    }
  }

  function apply() {
    const q = box.value;
    clear();
    marks = []; cur = -1;
    const needle = q.toLowerCase();
    let hits = 0;
    lines.forEach((ln, i) => {
      const text = texts[i];
      const low = needle ? text.toLowerCase() : '';
      let at = needle ? low.indexOf(needle) : -1;
      ln.classList.toggle('hidden', !!(needle && only.checked && at < 0));
      if (at < 0) return;
      hits++;
      ln.dataset.i = i;
      ln.classList.add('hl');
      const span = ln.lastElementChild;
      span.textContent = '';
      let pos = 0;
      while (at >= 0) {
        span.appendChild(document.createTextNode(text.slice(pos, at)));
        const m = document.createElement('mark');
        m.textContent = text.slice(at, at + needle.length);
        span.appendChild(m);
        marks.push(m);
        pos = at + needle.length;
        at = low.indexOf(needle, pos);
      }
      span.appendChild(document.createTextNode(text.slice(pos)));
    });
    count.textContent = needle ? `${marks.length} matches in ${hits} lines (Enter: next)` : '';
    const p = new URLSearchParams(location.hash.slice(1));
    if (!location.hash.startsWith('#L')) {
      if (q) p.set('q', q); else p.delete('q');
      const h = p.toString();
      history.replaceState(null, '', h ? '#' + h : location.pathname + location.search);
    }
  }

  function next(step) {
    if (!marks.length) return;
    if (cur >= 0) marks[cur].classList.remove('cur');
    cur = (cur + step + marks.length) % marks.length;
    marks[cur].classList.add('cur');
    marks[cur].scrollIntoView({ block: 'center' });
  }

  box.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(apply, texts.length > 20000 ? 200 : 60); });
  box.addEventListener('keydown', ev => { if (ev.key === 'Enter') { ev.preventDefault(); next(ev.shiftKey ? -1 : 1); } });
  only.addEventListener('change', apply);

  // "#q=text" restores a search; "#L123" scrolls to a line (the browser marks it :target)
  const h = new URLSearchParams(location.hash.slice(1));
  if (h.get('q')) { box.value = h.get('q'); apply(); }
  if (location.hash.startsWith('#L')) {
    const el = document.getElementById(location.hash.slice(1));
    if (el) el.scrollIntoView({ block: 'center' });
  }
})();
