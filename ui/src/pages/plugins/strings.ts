/** Strings of the plugins area (plugins page, plugin settings pages, dashboard cards). */
export const strings = {
  en: {
    'plugins.state.stopped': 'Not running',
  },
  fr: {
    'plugins.state.stopped': 'Arrêté',
  },
};
