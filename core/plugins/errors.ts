/** Why a plugin is not running. The codes are stable: the UI, the CLI and tests rely on them. */
export type PluginErrorCode =
  | 'plugin_load_failed'
  | 'plugin_manifest_invalid'
  | 'plugin_api_incompatible'
  | 'plugin_duplicate_id'
  | 'plugin_dependency_missing'
  | 'plugin_dependency_unavailable'
  | 'plugin_dependency_cycle'
  | 'plugin_register_failed'
  | 'plugin_migration_failed'
  | 'plugin_model_mismatch'
  | 'plugin_settings_invalid'
  | 'plugin_start_failed';

export class PluginError extends Error {
  constructor(
    readonly code: PluginErrorCode,
    message: string,
  ) {
    super(message);
  }
}
