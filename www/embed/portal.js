// The demo portal's script: the widgets are declared in the HTML; this only points them at
// another backend if asked (`?endpoint=https://api.example`), hands the desk's kiosk the staff
// token of a staff link opened here (`#token=…`, then removed from the address bar), switches
// the language of both, and lists the widgets' events.
import '../vaora-checkin.js';

const visitor = document.getElementById('visitor');
const desk = document.getElementById('desk');

const endpoint = new URLSearchParams(location.search).get('endpoint');
if (endpoint) {
  for (const widget of [visitor, desk]) widget.setAttribute('endpoint', endpoint);
}
const token = new URLSearchParams(location.hash.slice(1)).get('token');
if (token) {
  desk.setAttribute('staff-token', token);
  history.replaceState(null, '', location.pathname + location.search);
}

const langButton = document.getElementById('portal-lang');
langButton.addEventListener('click', () => {
  const lang = document.documentElement.lang === 'vi' ? 'en' : 'vi';
  document.documentElement.lang = lang;
  langButton.textContent = lang === 'vi' ? 'English' : 'Tiếng Việt';
  for (const widget of [visitor, desk]) widget.setAttribute('lang', lang);
});

const log = document.getElementById('portal-events');
for (const type of ['ready', 'scan', 'checkin', 'checkout', 'error', 'pending']) {
  document.addEventListener(`vaora:${type}`, (event) => {
    const item = document.createElement('li');
    item.dataset.event = type;
    item.dataset.widget = event.target.id;
    item.textContent = `${event.target.id} vaora:${type} ${JSON.stringify(event.detail)}`;
    log.prepend(item);
  });
}
