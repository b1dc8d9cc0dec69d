import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config/load';
import { createBackup, defaultBackupName, restoreBackup } from './backup-archive';

export function backupCommands(program: Command): void {
  program
    .command('backup')
    .description('Write one archive with the database, configuration, secret key, recordings and plugins')
    .argument('[file]', 'archive to write (default: carillon-backup-<version>-<time>.tar.gz in the current folder)')
    .action(async (file: string | undefined) => {
      const config = loadConfig();
      const target = path.resolve(file ?? defaultBackupName());
      const manifest = await createBackup(config, target);
      const count = Object.keys(manifest.files).length;
      process.stdout.write(`Backup written to ${target} (Carillon ${manifest.carillonVersion}, ${manifest.database.dialect} database, ${count} files).\n`);
    });

  program
    .command('restore')
    .description('Replace this Carillon\'s data with a backup (stop the service first)')
    .argument('<file>', 'archive written by "carillon backup"')
    .option('--force', 'replace a Carillon that already has users')
    .option('--sets-dir <folder>', "where a scheduled backup's recordings sets are (default: the archive's folder)")
    .action(async (file: string, options: { force?: boolean; setsDir?: string }) => {
      const config = loadConfig();
      const manifest = await restoreBackup(config, file, { force: options.force, setsDir: options.setsDir ? path.resolve(options.setsDir) : undefined });
      process.stdout.write(`Restored the backup of ${manifest.createdAt} (Carillon ${manifest.carillonVersion}). Start Carillon: pending migrations run at start.\n`);
    });
}
