// Small DOM helpers shared by the directory's page modules (plain ES module, no build step).

/** `el('p', { class: 'muted' }, 'text', child…)`: attributes, `on…` listeners, text and nodes. */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2).toLowerCase(), value);
    else if (name in node && name !== 'list') node[name] = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

let ids = 0;
/** A labelled input with its error line, named like the API's field (`body.firstName` → `firstName`). */
export function field(label, name, value, options = {}) {
  const id = `dir-${name.replace(/\W/g, '-')}-${++ids}`;
  const input = el(options.multiline ? 'textarea' : 'input', { id, name, value: value ?? '', type: options.type, required: options.required, maxLength: options.maxLength, rows: options.multiline ? 3 : undefined });
  const error = el('p', { class: 'field-error', id: `${id}-error`, hidden: true });
  const wrapper = el('div', { class: 'field', 'data-field': name }, el('label', { for: id }, label, options.required ? el('span', { class: 'required', 'aria-hidden': 'true' }, ' *') : null), input, error);
  return {
    wrapper,
    input,
    setError(message) {
      error.hidden = !message;
      error.textContent = message ?? '';
      wrapper.classList.toggle('has-error', !!message);
      if (message) {
        input.setAttribute('aria-invalid', 'true');
        input.setAttribute('aria-describedby', error.id);
      } else {
        input.removeAttribute('aria-invalid');
        input.removeAttribute('aria-describedby');
      }
    },
  };
}

/** A modal `<dialog>` (focus kept inside, Escape closes) appended to the page; `close()` removes it. */
export function openDialog(root, title, body, closeLabel) {
  const dialog = el('dialog', { class: 'dialog', 'aria-label': title });
  const close = () => {
    dialog.close();
    dialog.remove();
  };
  dialog.append(
    el('header', { class: 'dialog-header' }, el('h2', {}, title), el('button', { type: 'button', class: 'icon', 'aria-label': closeLabel, onClick: close }, '×')),
    el('div', { class: 'dialog-body' }, body),
  );
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault();
    close();
  });
  root.append(dialog);
  dialog.showModal();
  return close;
}
