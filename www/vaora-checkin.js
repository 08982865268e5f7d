// Importing this module defines `<vaora-checkin>` (see widget.js for the element and the JS
// API, which it re-exports).
import { defineVaoraCheckin } from './widget.js';

export * from './widget.js';

defineVaoraCheckin();
