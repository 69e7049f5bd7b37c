// The programme screen: what is on now and next in one room (?space=ID) or in every space of
// the fair, kept current by the programme's change feed over graphql-transport-ws.
// ?lang=ar|fr (Arabic by default); ?at=2018-07-26T10:15:00Z shows the fair as at that moment,
// the clock running on from there.
(function () {
  'use strict';

  const params = new URLSearchParams(location.search);
  const lang = params.get('lang') === 'fr' ? 'fr' : 'ar';
  const LANG = lang.toUpperCase(); // the GraphQL Language
  const spaceID = params.get('space') || '';
  const startAt = Date.parse(params.get('at') || '');
  const offset = isNaN(startAt) ? 0 : startAt - Date.now();
  const now = () => Date.now() + offset;

  // How long a change stays marked on the screen, in real time.
  const MARK_FOR = 15 * 60 * 1000;
  // The longest wait between two attempts to reach the server.
  const MAX_BACKOFF = 15 * 1000;

  const WORDS = {
    ar: {
      now: 'الآن', next: 'التالي', programme: 'برنامج المعرض', nothingNow: 'لا توجد جلسة حالياً',
      nothingNext: 'لا جلسات قادمة', cancelled: 'ملغاة', moved: 'قاعة جديدة', movedAway: 'نُقلت إلى',
      rescheduled: 'موعد جديد', added: 'جديدة', restored: 'أعيدت', full: 'مكتملة',
      live: 'مباشر', connecting: 'جارٍ الاتصال…', offline: 'غير متصل',
    },
    fr: {
      now: 'En cours', next: 'À suivre', programme: 'Programme du salon', nothingNow: 'Aucune session en cours',
      nothingNext: 'Plus rien de prévu', cancelled: 'Annulée', moved: 'Nouvelle salle', movedAway: 'Déplacée vers',
      rescheduled: 'Nouvel horaire', added: 'Nouveau', restored: 'Rétablie', full: 'Complet',
      live: 'En direct', connecting: 'Connexion…', offline: 'Hors ligne',
    },
  };
  const words = WORDS[lang];
  document.documentElement.lang = lang;
  document.documentElement.dir = lang === 'ar' ? 'rtl' : 'ltr';

  const state = {
    documents: '',
    fair: null,
    spaces: new Map(), // id → {id, name, position}
    sessions: new Map(), // id → session
    marks: new Map(), // session id → {kind, at, previous}
    cursor: null,
  };

  // GraphQL over HTTP.
  async function gql(operationName, variables) {
    const res = await fetch('/graphql', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ query: state.documents, operationName, variables }),
    });
    const body = await res.json();
    if (body.errors && body.errors.length) {
      const err = new Error(operationName + ': ' + body.errors[0].message);
      err.code = (body.errors[0].extensions || {}).code;
      throw err;
    }
    return body.data;
  }

  function sessionOf(node) {
    return {
      id: node.id, title: node.title || '', startsAt: Date.parse(node.startsAt), endsAt: Date.parse(node.endsAt),
      status: node.status, version: node.version, spaceID: node.space ? node.space.id : null,
      capacity: node.capacity, seatsLeft: node.seatsLeft,
      speakers: node.speakers ? node.speakers.map((s) => s.name) : [],
    };
  }

  // Loading: the cursor first, then the programme, so that the feed started from the cursor
  // brings whatever changed while the programme was read.
  async function load() {
    if (!state.documents) {
      state.documents = await (await fetch('/screen/screen.graphql')).text();
    }
    const cursor = (await gql('ScreenCursor', {})).programmeCursor;
    const fair = spaceID
      ? ((await gql('ScreenSpaceFair', { space: spaceID, lang: LANG })).node || {}).fair
      : ((await gql('ScreenFair', { lang: LANG })).fairs.edges[0] || {}).node;
    if (!fair) throw new Error('no fair to show');
    const sessions = new Map();
    for (let after = null, more = true; more;) {
      const page = (await gql('ScreenSessions', { fair: fair.id, after, lang: LANG })).sessions;
      page.edges.forEach((e) => sessions.set(e.node.id, sessionOf(e.node)));
      more = page.pageInfo.hasNextPage;
      after = page.pageInfo.endCursor;
    }
    state.fair = fair;
    state.spaces = new Map(fair.spaces.map((s) => [s.id, s]));
    state.sessions = sessions;
    state.cursor = cursor;
    render();
  }

  // A change from the feed: applied at once, then the session is read again for what the
  // change does not carry (speakers, seats). A session withdrawn from the programme (no longer
  // published) leaves the screen.
  function withdraw(id) {
    state.sessions.delete(id);
    state.marks.delete(id);
    render();
  }

  function apply(change) {
    state.cursor = change.cursor;
    const s = change.session;
    if (s.published === false) {
      withdraw(s.id);
      return;
    }
    const known = state.sessions.get(s.id);
    if (known && known.version > s.version) return; // the programme was read after it
    state.sessions.set(s.id, Object.assign({}, known || { speakers: [] }, sessionOf(s), {
      speakers: known ? known.speakers : [], capacity: known ? known.capacity : null,
      seatsLeft: known ? known.seatsLeft : null,
    }));
    state.marks.set(s.id, { kind: change.kind, at: Date.now(), previous: change.previous });
    render();
    gql('ScreenSession', { id: s.id, lang: LANG }).then((data) => {
      const fresh = sessionOf(data.node);
      const current = state.sessions.get(s.id);
      if (fresh && current && fresh.version >= current.version) {
        state.sessions.set(s.id, fresh);
        render();
      }
    }, (err) => {
      if (err.code === 'NOT_FOUND') withdraw(s.id); // unpublished since
    });
  }

  // The live connection, with backoff and resumption from the last cursor.
  let socket = null;
  let backoff = 1000;
  let retryTimer = 0;
  let subscription = 0;

  function setConnection(which) {
    const el = document.getElementById('connection');
    el.dataset.state = which;
    el.querySelector('.text').textContent = words[which];
  }

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  function subscribe() {
    subscription++;
    send({
      type: 'subscribe', id: String(subscription),
      payload: { query: state.documents, operationName: 'ScreenChanges', variables: { fair: state.fair.id, since: state.cursor, lang: LANG } },
    });
  }

  function connect() {
    clearTimeout(retryTimer);
    setConnection('connecting');
    const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/graphql', 'graphql-transport-ws');
    socket = ws;
    ws.onopen = () => send({ type: 'connection_init', payload: {} });
    ws.onmessage = (event) => {
      let m;
      try { m = JSON.parse(event.data); } catch (e) { return; }
      if (m.id && m.id !== String(subscription)) return; // an earlier subscription's last words
      switch (m.type) {
        case 'connection_ack':
          backoff = 1000;
          setConnection('live');
          subscribe();
          break;
        case 'ping':
          send({ type: 'pong' });
          break;
        case 'next':
          if (m.payload.errors && m.payload.errors.length) {
            const code = (m.payload.errors[0].extensions || {}).code;
            if (code === 'BAD_USER_INPUT') reload(); // the log is not the one the cursor came from
          } else {
            apply(m.payload.data.programmeChanged);
          }
          break;
        case 'error':
        case 'complete':
          // The feed ended (fell behind, or the server is stopping): start again from the cursor.
          setTimeout(() => { if (socket === ws) subscribe(); }, 1000);
          break;
      }
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      setConnection(navigator.onLine === false ? 'offline' : 'connecting');
      const wait = backoff * (0.5 + Math.random() / 2);
      backoff = Math.min(backoff * 2, MAX_BACKOFF);
      retryTimer = setTimeout(connect, wait);
    };
  }

  async function reload() {
    if (socket) { const ws = socket; socket = null; ws.close(); }
    try {
      await load();
      connect();
    } catch (e) {
      setConnection('offline');
      setTimeout(reload, backoff);
      backoff = Math.min(backoff * 2, MAX_BACKOFF);
    }
  }

  // Rendering.
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k.startsWith('data-')) e.setAttribute(k, v);
      else e[k] = v;
    }
    for (const c of children.flat()) {
      if (c !== null && c !== undefined && c !== false) e.append(c);
    }
    return e;
  }

  let timeFormat, dateFormat, dayFormat, weekdayFormat;
  function formats() {
    const tz = state.fair.timeZone;
    const locale = lang === 'ar' ? 'ar-MA-u-nu-latn' : 'fr-MA';
    timeFormat = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: tz });
    dateFormat = new Intl.DateTimeFormat(locale, { weekday: 'long', day: 'numeric', month: 'long', timeZone: tz });
    dayFormat = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: tz });
    weekdayFormat = new Intl.DateTimeFormat(locale, { weekday: 'short', timeZone: tz });
  }
  const hhmm = (t) => timeFormat.format(new Date(t));
  // when is the start of s, with its day when it is not today.
  const when = (s) => (dayFormat.format(new Date(s.startsAt)) === dayFormat.format(new Date(now()))
    ? '' : weekdayFormat.format(new Date(s.startsAt)) + ' ') + hhmm(s.startsAt);
  const span = (s) => hhmm(s.startsAt) + ' – ' + hhmm(s.endsAt);

  function mark(s) {
    const m = state.marks.get(s.id);
    return m && Date.now() - m.at < MARK_FOR ? m : null;
  }

  // badges says what is to know of s in the space shown: cancelled, moved in or away, new
  // time, full.
  function badges(s, here) {
    const out = [];
    const m = mark(s);
    if (s.status === 'CANCELLED') out.push(el('span', { class: 'badge cancelled' }, words.cancelled));
    else if (m) {
      const wasHere = m.previous && m.previous.spaceID;
      if (m.kind === 'MOVED' && here && s.spaceID !== here) {
        const to = state.spaces.get(s.spaceID);
        out.push(el('span', { class: 'badge moved' }, words.movedAway + ' ' + (to ? to.name : '')));
      } else if (m.kind === 'MOVED' && wasHere !== s.spaceID) {
        out.push(el('span', { class: 'badge moved' }, words.moved));
      } else if (m.kind === 'MOVED' || m.kind === 'RESCHEDULED') {
        out.push(el('span', { class: 'badge rescheduled' }, words.rescheduled));
      } else if (m.kind === 'ADDED' || m.kind === 'RESTORED') {
        out.push(el('span', { class: 'badge ' + m.kind.toLowerCase() }, words[m.kind.toLowerCase()]));
      }
    }
    if (s.status !== 'CANCELLED' && s.capacity && s.seatsLeft === 0) out.push(el('span', { class: 'badge full' }, words.full));
    return out;
  }

  function sessionAttrs(s, extra) {
    const m = mark(s);
    return Object.assign({
      'data-session': s.id, 'data-status': s.status, 'data-mark': m ? m.kind : null,
      class: (extra || '') + (m && m.kind !== 'UPDATED' ? ' changed' : ''),
    });
  }

  // inSpace returns the sessions of a space in time order, and those moved away from it a
  // moment ago, which its screen still points to.
  function inSpace(id) {
    return [...state.sessions.values()]
      .filter((s) => {
        if (s.spaceID === id) return true;
        const m = mark(s);
        return m && m.kind === 'MOVED' && m.previous && m.previous.spaceID === id;
      })
      .sort((a, b) => a.startsAt - b.startsAt || (a.id < b.id ? -1 : 1));
  }

  // nowAndNext returns what is on now in a space and the count sessions that come next. A
  // session cancelled in its slot stays on now, marked cancelled, until its slot is over or
  // another session starts in the space: a visitor at the door reads that it will not happen.
  function nowAndNext(id, count) {
    const t = now();
    const all = inSpace(id);
    const inSlot = all.filter((s) => s.spaceID === id && s.startsAt <= t && t < s.endsAt);
    const current = inSlot.find((s) => s.status === 'SCHEDULED') || inSlot.find((s) => s.status === 'CANCELLED') || null;
    const next = all.filter((s) => s !== current && (s.startsAt > t || (s.spaceID !== id && s.endsAt > t))).slice(0, count);
    return { current, next };
  }

  function progress(s) {
    return el('div', { class: 'progress' }, el('span', { 'data-start': s.startsAt, 'data-end': s.endsAt }));
  }

  function renderRoom(main, space) {
    const { current, next } = nowAndNext(space.id, 5);
    document.getElementById('title').textContent = space.name;
    main.append(
      el('section', { class: 'panel room-now', 'data-part': 'now' },
        el('p', { class: 'label' }, words.now),
        current
          ? el('div', sessionAttrs(current, 'now-session'),
            el('p', { class: 'session-title' }, badges(current, space.id), current.title),
            el('p', { class: 'times' }, span(current)),
            current.speakers.length ? el('p', { class: 'speakers' }, current.speakers.join(' · ')) : null,
            current.status === 'SCHEDULED' ? progress(current) : null)
          : el('p', { class: 'empty' }, words.nothingNow)),
      el('section', { class: 'panel room-next', 'data-part': 'next' },
        el('p', { class: 'label' }, words.next),
        next.length
          ? el('ul', { class: 'next-list' }, next.map((s) => el('li', sessionAttrs(s),
            el('span', { class: 'times' }, when(s)),
            el('div', {},
              el('p', { class: 'session-title' }, badges(s, space.id), s.title),
              s.speakers.length ? el('p', { class: 'speakers' }, s.speakers.join(' · ')) : null))))
          : el('p', { class: 'empty' }, words.nothingNext)));
  }

  function renderGrid(main) {
    document.getElementById('title').textContent = words.programme;
    const spaces = [...state.spaces.values()].sort((a, b) => a.position - b.position);
    const grid = el('section', { class: 'grid' });
    // Two rows while they hold every space, so that each card has the height of a few lines.
    const rows = spaces.length <= 8 ? 2 : 3;
    grid.style.setProperty('--columns', String(Math.max(1, Math.ceil(spaces.length / rows))));
    for (const space of spaces) {
      const { current, next } = nowAndNext(space.id, 2);
      grid.append(el('article', { class: 'panel card', 'data-space': space.id },
        el('h2', {}, space.name),
        current
          ? el('div', sessionAttrs(current, 'now-session'),
            el('p', { class: 'session-title' }, badges(current, space.id), current.title),
            el('p', { class: 'times' }, span(current)),
            current.status === 'SCHEDULED' ? progress(current) : null)
          : el('p', { class: 'empty' }, words.nothingNow),
        next.map((s) => el('p', sessionAttrs(s, 'next'), el('span', { class: 'times' }, when(s) + ' '), badges(s, space.id), s.title))));
    }
    main.append(grid);
  }

  function render() {
    if (!state.fair) return;
    formats();
    document.getElementById('fair').textContent = state.fair.name;
    const main = document.getElementById('main');
    main.replaceChildren();
    const space = state.spaces.get(spaceID);
    if (space) renderRoom(main, space); else renderGrid(main);
    fit();
    tick();
  }

  // fit drops the last of the coming sessions from every part of the screen that they would
  // overflow: the screen never scrolls, and nothing is cut.
  function fit() {
    document.querySelectorAll('.room-next, .card').forEach((box) => {
      let items = box.querySelectorAll('.next-list li, .next');
      for (let i = items.length - 1; i >= 0 && box.scrollHeight > box.clientHeight + 1; i--) {
        items[i].remove();
      }
    });
  }

  // Every second: the clock and the progress bars; every minute, or when a session starts or
  // ends, everything.
  let lastMinute = -1;
  function tick() {
    if (!state.fair) return;
    const t = now();
    document.getElementById('clock').textContent = hhmm(t);
    document.getElementById('date').textContent = dateFormat.format(new Date(t));
    document.querySelectorAll('.progress span').forEach((bar) => {
      const start = Number(bar.dataset.start);
      const end = Number(bar.dataset.end);
      bar.style.width = Math.max(0, Math.min(100, (100 * (t - start)) / (end - start))) + '%';
    });
  }
  setInterval(() => {
    const minute = Math.floor(now() / 60000);
    if (minute !== lastMinute) {
      lastMinute = minute;
      render();
    } else {
      tick();
    }
  }, 1000);
  // Seats change without a programme change: read them again now and then.
  setInterval(() => { if (state.fair && socket) load().catch(() => {}); }, 60 * 1000);

  setConnection('connecting');
  reload();
})();
