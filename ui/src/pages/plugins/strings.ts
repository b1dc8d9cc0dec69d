/** Strings of the plugins area (plugins page, plugin settings pages, dashboard cards). */
export const strings = {
  en: {
    'plugins.state.stopped': 'Not running',
    'plugins.health.ok': 'Healthy',
    'plugins.health.degraded': 'Degraded',
    'plugins.health.down': 'Down',
  },
  fr: {
    'plugins.state.stopped': 'Arrêté',
    'plugins.health.ok': 'En bonne santé',
    'plugins.health.degraded': 'Dégradé',
    'plugins.health.down': 'Hors service',
  },
};
