// Progressive enhancement for Delivery Tracker pages. Every page works without
// this file; it only starts the design system's interactive components.
//
// design-system.js is loaded as a module just before this one, so it has run
// and set window.DS by the time this runs (module scripts run in document
// order, after the page has been parsed).

const DS = window.DS;

// Character counts render a static "You can enter up to N characters" hint
// for pages without JavaScript. The design system component writes its own
// live message, so remove the static one first to avoid saying it twice.
for (const hint of document.querySelectorAll('[data-module="ds-character-count"] .app-character-count__static')) {
    const field = hint.parentElement.querySelector('input, textarea');
    if (field && field.hasAttribute('aria-describedby')) {
        const ids = field.getAttribute('aria-describedby').split(/\s+/).filter((id) => id && id !== hint.id);
        if (ids.length > 0) {
            field.setAttribute('aria-describedby', ids.join(' '));
        } else {
            field.removeAttribute('aria-describedby');
        }
    }
    hint.remove();
}

// The design system's menu script copies aria-controls from the "Menu" label
// to the button it puts in the label's place. HTML does not allow
// aria-controls on a label, so the page names the menu in data-controls, and
// the attribute is on the label only while the script copies it.
const menuLabel = document.querySelector('label.js-toggle-menu[data-controls]');
if (menuLabel) {
    menuLabel.setAttribute('aria-controls', menuLabel.dataset.controls);
}

if (DS && typeof DS.initAll === 'function') {
    DS.initAll();
}

if (menuLabel) {
    menuLabel.removeAttribute('aria-controls');
}

// Move focus to the error summary so that keyboard and screen reader users
// start from the list of problems.
const errorSummary = document.getElementById('error-summary');
if (errorSummary) {
    errorSummary.focus();
}

// A printed page gives at its foot the date it was printed. The server wrote
// the date the page was made, which a page kept open, or kept in a cache,
// may be days before: write today's, and again as the page is printed.
const printDate = document.querySelector('.app-print-footer__date');
if (printDate) {
    const today = () => {
        const now = new Date();
        printDate.textContent = now.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });
        printDate.dateTime = now.toLocaleDateString('en-CA', { timeZone: 'Europe/London' });
    };
    today();
    window.addEventListener('beforeprint', today);
}
