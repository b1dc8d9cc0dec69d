import { spawn } from 'node:child_process';

/**
 * WAV → MP3 with Debian's `lame`: mono, 16 kbit/s CBR (about 120 kB a minute). lame picks the
 * MPEG-2/2.5 sample rate that bitrate needs (8 kHz telephone audio stays 8 kHz).
 */
export function encodeMp3(wavFile: string, mp3File: string, lameBinary = 'lame'): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(lameBinary, ['--quiet', '-m', 'm', '-b', '16', '--cbr', wavFile, mp3File], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-2000)));
    child.on('error', (err) => reject(new Error(`cannot run ${lameBinary}: ${err.message} (install Debian's lame package)`)));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${lameBinary} exited with ${code}: ${stderr.trim()}`))));
  });
}
