// Suggestions under a target box (who knows whom, relationship): accounts whose name holds what
// was typed, people outside the organisation by name or address, and domains that start with it,
// from /v1/suggestions, as the input's datalist. Each says what it is ("person · Fabrikam"), since
// a person, an account and a domain can share a name. Guests may not list accounts: for them the
// box simply suggests nothing.

import {get} from './api.js';
import {clear, h} from './dom.js';

let lists = 0;

/** Gives `input` a datalist of suggestions; returns the datalist, to put beside it. */
export function withSuggestions(input) {
  const list = h('datalist', {id: `suggestions-${++lists}`, testid: 'suggestions'});
  input.setAttribute('list', list.id);
  let timer = null;
  let asked = '';
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const q = input.value.trim();
      if (q.length < 2 || q === asked) return;
      asked = q;
      try {
        const found = await get('/v1/suggestions', {q, limit: 8}, {onUnauthorized: false});
        if (input.value.trim() !== q) return;  // typed on meanwhile
        clear(list).append(...found.map((s) => h('option', {value: s.target,
          label: optionLabel(s)})));
      } catch (_) {
        clear(list);  // no suggestions is no error
      }
    }, 200);
  });
  return list;
}

/** "Bob Smith <bob@fabrikam.com> — person · Fabrikam" */
function optionLabel(s) {
  return `${s.label} — ${[s.kind, s.detail].filter(Boolean).join(' · ')}`;
}
