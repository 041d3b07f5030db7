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

// Each list of organisations a lead line names (a select, which works
// without this) becomes a box that filters the organisations as you type:
// an ARIA combobox with a list box of the matches, chosen with the mouse or
// with the arrow keys and Enter. The select stays in the form, hidden, and
// holds the choice, so the form sends what it sends without JavaScript.
for (const select of document.querySelectorAll('select[data-org-picker]')) {
    enhancePicker(select);
}

function enhancePicker(select) {
    const label = document.querySelector(`label[for="${select.id}"]`);
    const wrapper = select.closest('.ds_select-wrapper');
    if (!label || !wrapper) {
        return;
    }
    const choices = [...select.options].filter((o) => o.value !== '').map((o) => ({ value: o.value, text: o.text.trim() }));
    const textOf = (value) => (choices.find((c) => c.value === value) || { text: '' }).text;

    const box = document.createElement('div');
    box.className = 'app-picker';
    const input = document.createElement('input');
    input.type = 'text';
    input.id = `${select.id}-search`;
    input.className = select.classList.contains('ds_select--error') ? 'ds_input ds_input--error' : 'ds_input';
    input.autocomplete = 'off';
    input.spellcheck = false;
    input.value = textOf(select.value);
    const listID = `${select.id}-matches`;
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', listID);
    const hintID = `${select.id}-picker-hint`;
    const described = [select.getAttribute('aria-describedby'), hintID].filter(Boolean).join(' ');
    input.setAttribute('aria-describedby', described);
    if (select.getAttribute('aria-invalid')) {
        input.setAttribute('aria-invalid', 'true');
    }
    const hint = document.createElement('p');
    hint.className = 'visually-hidden';
    hint.id = hintID;
    hint.textContent = 'Type part of a name or code, then choose from the list with the arrow keys and Enter. Clear the box to name none.';
    const list = document.createElement('ul');
    list.id = listID;
    list.className = 'app-picker__matches';
    list.setAttribute('role', 'listbox');
    list.setAttribute('aria-label', `Organisations matching ${label.textContent.trim()}`);
    list.hidden = true;
    const status = document.createElement('div');
    status.className = 'visually-hidden';
    status.setAttribute('role', 'status');
    box.append(input, hint, list, status);
    wrapper.after(box);
    wrapper.classList.add('app-picker__select');
    select.tabIndex = -1;
    label.htmlFor = input.id;
    // The error summary links to the box, now that the list is hidden.
    for (const link of document.querySelectorAll(`.ds_error-summary a[href="#${select.id}"]`)) {
        link.href = `#${input.id}`;
    }

    let matches = [];
    let active = -1;

    const close = () => {
        list.hidden = true;
        input.setAttribute('aria-expanded', 'false');
        input.removeAttribute('aria-activedescendant');
        active = -1;
    };

    const show = () => {
        list.replaceChildren(...matches.map((c, i) => {
            const li = document.createElement('li');
            li.id = `${listID}-${i}`;
            li.className = 'app-picker__match';
            li.setAttribute('role', 'option');
            li.setAttribute('aria-selected', String(i === active));
            li.textContent = c.text;
            li.addEventListener('mousedown', (e) => {
                e.preventDefault();
                choose(c);
            });
            return li;
        }));
        if (active >= 0) {
            input.setAttribute('aria-activedescendant', `${listID}-${active}`);
            list.children[active].scrollIntoView({ block: 'nearest' });
        } else {
            input.removeAttribute('aria-activedescendant');
        }
        list.hidden = matches.length === 0;
        input.setAttribute('aria-expanded', String(matches.length > 0));
    };

    const filter = () => {
        const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
        matches = choices.filter((c) => words.every((w) => c.text.toLowerCase().includes(w)));
        active = -1;
        show();
        status.textContent = matches.length === 1 ? '1 organisation matches' : `${matches.length} organisations match`;
    };

    const choose = (c) => {
        select.value = c ? c.value : '';
        input.value = c ? c.text : '';
        close();
    };

    input.addEventListener('input', filter);
    input.addEventListener('keydown', (e) => {
        if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault();
            if (list.hidden) {
                filter();
            }
            if (matches.length > 0) {
                const step = e.key === 'ArrowDown' ? 1 : -1;
                active = (active + step + matches.length) % matches.length;
                show();
            }
        } else if (e.key === 'Enter' && !list.hidden) {
            e.preventDefault();
            choose(matches[Math.max(active, 0)]);
        } else if (e.key === 'Escape' && !list.hidden) {
            e.preventDefault();
            input.value = textOf(select.value);
            close();
        }
    });
    // Leaving the box keeps an organisation only when its name is there in
    // full; an empty box names none, and anything else goes back to the
    // organisation chosen before.
    input.addEventListener('blur', () => {
        const typed = input.value.trim().toLowerCase();
        if (typed === '') {
            choose(null);
            return;
        }
        const exact = choices.find((c) => c.text.toLowerCase() === typed);
        if (exact) {
            choose(exact);
        } else {
            input.value = textOf(select.value);
            close();
        }
    });
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

// Warn before a session ends unused, on pages with a form to send, and offer
// to keep it going. For a signed-in user the server puts on the body how many
// seconds a session lasts unused (data-session-idle), how long before that to
// warn (data-session-warn) and where to send a POST that keeps it going
// (data-keep-alive). Without this, nothing warns, but what was typed is not
// lost either: a form sent after the session ended is kept, and put back once
// the person signs in again.
const session = document.body.dataset;
const main = document.getElementById('main-content');
if (session.sessionIdle && session.keepAlive && main && main.querySelector('form[method="post"]')) {
    startSessionWarning(Number(session.sessionIdle), Number(session.sessionWarn || 0), session.keepAlive);
}

function startSessionWarning(idle, warn, keepAlive) {
    let warnTimer;
    let endTimer;
    let panel;
    let returnFocus;

    const minutes = (seconds) => {
        const m = Math.max(1, Math.round(seconds / 60));
        return m === 1 ? '1 minute' : `${m} minutes`;
    };

    const element = (tag, className, text) => {
        const el = document.createElement(tag);
        if (className) {
            el.className = className;
        }
        if (text) {
            el.textContent = text;
        }
        return el;
    };

    // The warning is a non-modal alert dialog at the top of the main content:
    // focus moves to it, so that screen readers announce it, and goes back to
    // where it was once the person chooses to stay signed in.
    const show = (title, paragraphs, withButton) => {
        if (!panel) {
            returnFocus = document.activeElement;
            panel = element('div', 'ds_notification app-session-warning');
            panel.id = 'session-warning';
            panel.setAttribute('role', 'alertdialog');
            panel.setAttribute('aria-labelledby', 'session-warning-title');
            panel.setAttribute('aria-describedby', 'session-warning-text');
            panel.tabIndex = -1;
            main.prepend(panel);
        }
        const content = element('div', 'ds_notification__content');
        const heading = element('h2', 'ds_notification__title', title);
        heading.id = 'session-warning-title';
        const text = element('div', 'ds_notification__text');
        text.id = 'session-warning-text';
        for (const p of paragraphs) {
            text.append(element('p', '', p));
        }
        content.append(heading, text);
        if (withButton) {
            const button = element('button', 'ds_button ds_button--small', 'Stay signed in');
            button.type = 'button';
            button.addEventListener('click', stay);
            content.append(button);
        }
        panel.replaceChildren(content);
        panel.focus();
    };

    const warning = () => show('You will be signed out soon', [
        `You have not used Delivery Tracker for ${minutes(idle - warn)}. To protect your account, you will be signed out in ${minutes(warn)} unless you choose to stay signed in.`,
        'If you are signed out, what you have typed is not lost: send the form as usual, sign in again, and it will be put back for you to send.',
    ], true);

    const ended = () => show('You have been signed out', [
        `Your session has ended because Delivery Tracker was not used for ${minutes(idle)}.`,
        'What you have typed is not lost: send the form as usual, sign in again, and it will be put back for you to send.',
    ], false);

    const schedule = () => {
        clearTimeout(warnTimer);
        clearTimeout(endTimer);
        warnTimer = setTimeout(warning, Math.max(0, idle - warn) * 1000);
        endTimer = setTimeout(ended, idle * 1000);
    };

    async function stay() {
        let ok = false;
        try {
            const res = await fetch(keepAlive, { method: 'POST', credentials: 'same-origin', redirect: 'manual' });
            ok = res.status === 204;
        } catch {
            ok = false;
        }
        if (!ok) {
            clearTimeout(warnTimer);
            clearTimeout(endTimer);
            ended();
            return;
        }
        schedule();
        const done = panel;
        panel = undefined;
        done.remove();
        if (returnFocus && document.contains(returnFocus) && returnFocus !== document.body) {
            returnFocus.focus();
        } else {
            main.focus();
        }
        announce('You are still signed in.');
    }

    // A polite live region says that the session was kept going.
    const status = element('div', 'visually-hidden');
    status.setAttribute('role', 'status');
    main.append(status);
    const announce = (message) => {
        status.textContent = message;
    };

    schedule();
}
