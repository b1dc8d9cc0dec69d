import { render } from 'preact';
import './styles.css';
import { App } from './shell/App';
import { loadSession } from './shell/session';

const root = document.getElementById('app')!;
render(<App />, root);
loadSession().catch((err) => {
  console.error(err);
  root.textContent = 'Carillon: the server did not answer. Reload the page. / Le serveur n’a pas répondu : rechargez la page.';
});
