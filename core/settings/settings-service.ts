import { SettingRecord } from './model';

/** Small JSON values kept in the `settings` table (one row per key). */
export class SettingsService {
  async get<T>(key: string): Promise<T | undefined> {
    const row = await SettingRecord.findByPk(key);
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  async set(key: string, value: unknown): Promise<void> {
    await SettingRecord.upsert({ key, value: JSON.stringify(value), updatedAt: new Date() });
  }

  /** Deletes the key only if it holds `value`; true when it did (a compare-and-delete in one statement). */
  async takeIfEquals(key: string, value: unknown): Promise<boolean> {
    return (await SettingRecord.destroy({ where: { key, value: JSON.stringify(value) } })) === 1;
  }

  async delete(key: string): Promise<void> {
    await SettingRecord.destroy({ where: { key } });
  }
}
