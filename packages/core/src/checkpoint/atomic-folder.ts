type Fs = typeof import('node:fs/promises');
type Path = typeof import('node:path');

/**
 * The steps of `replaceFolder`, in order; `onStep` is called after each one (tests kill the
 * process there to prove that every moment of a save leaves a complete folder behind).
 */
export type ReplaceFolderStep = 'written' | 'ready' | 'moved-aside' | 'replaced' | 'cleaned';

/**
 * Replaces folder `target` with a new one, so that a crash at any moment leaves a complete
 * folder — the old one or the new one — that `recoverFolder` puts back at `target`.
 *
 * Directories cannot be swapped in one system call from Node, so the swap is a sequence of
 * renames whose every intermediate state is recognisable by name:
 * `.<name>.tmp-*` (being written: incomplete), `.<name>.ready-*` (complete, newer than
 * `target`), `.<name>.old-*` (complete, older than `target` or `.ready-*`).
 */
export async function replaceFolder(
  fs: Fs,
  path: Path,
  target: string,
  write: (temp: string) => Promise<void>,
  onStep: (step: ReplaceFolderStep) => void | Promise<void> = () => {},
): Promise<void> {
  const parent = path.dirname(target);
  const base = path.basename(target);
  await fs.mkdir(parent, { recursive: true });
  await recoverFolder(fs, path, target);
  // mkdir, not mkdtemp: mkdtemp makes 0700 folders, a checkpoint should follow the umask like
  // every other output. The random suffix keeps concurrent saves apart (mkdir fails on a clash).
  const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
  const temp = path.join(parent, `.${base}.tmp-${suffix}`);
  await fs.mkdir(temp);
  const ready = path.join(parent, `.${base}.ready-${suffix}`);
  const old = path.join(parent, `.${base}.old-${suffix}`);
  try {
    await write(temp);
    await syncDirectory(fs, temp);
    await onStep('written');
    await fs.rename(temp, ready);
    await onStep('ready');
  } catch (error) {
    await fs.rm(temp, { recursive: true, force: true });
    throw error;
  }
  let movedAside = false;
  try {
    await fs.rename(target, old);
    movedAside = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await onStep('moved-aside');
  await fs.rename(ready, target);
  await syncDirectory(fs, parent);
  await onStep('replaced');
  if (movedAside) await fs.rm(old, { recursive: true, force: true });
  await onStep('cleaned');
}

/**
 * Finishes or undoes a `replaceFolder` that was cut short: the newest complete folder ends up
 * at `target` (a `.ready-*` one over `target`, `target` over an `.old-*` one) and the leftovers
 * are removed. Does nothing when there is nothing to recover.
 */
export async function recoverFolder(fs: Fs, path: Path, target: string): Promise<void> {
  const parent = path.dirname(target);
  const base = path.basename(target);
  let names: string[];
  try {
    names = await fs.readdir(parent);
  } catch {
    return;
  }
  const mine = (kind: string) =>
    names.filter((n) => n.startsWith(`.${base}.${kind}-`)).map((n) => path.join(parent, n));
  // `.<name>.tmp-*.previous`: the complete old folder as earlier versions set it aside.
  const legacy = mine('tmp').filter((f) => f.endsWith('.previous'));
  const temps = mine('tmp').filter((f) => !f.endsWith('.previous'));
  const readies = mine('ready');
  const olds = [...mine('old'), ...legacy];
  if (temps.length + readies.length + olds.length === 0) return;
  const exists = await fs.lstat(target).then(
    () => true,
    () => false,
  );
  const newest = async (folders: string[]) => {
    const times = await Promise.all(folders.map((f) => fs.stat(f).then((s) => s.mtimeMs)));
    return folders[times.indexOf(Math.max(...times))];
  };
  const promote =
    readies.length > 0 ? await newest(readies) : exists ? undefined : await newest(olds);
  if (promote !== undefined) {
    if (exists) {
      const aside = path.join(parent, `.${base}.old-recovered`);
      await fs.rename(target, aside);
      olds.push(aside);
    }
    await fs.rename(promote, target);
    await syncDirectory(fs, parent);
  }
  for (const leftover of [...temps, ...readies, ...olds]) {
    if (leftover !== promote) await fs.rm(leftover, { recursive: true, force: true });
  }
}

/** Flushes a folder's entries (creations and renames inside it) to disk. */
async function syncDirectory(fs: Fs, folder: string): Promise<void> {
  const handle = await fs.open(folder, 'r').catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // Some platforms (Windows) cannot fsync a directory; the renames are still atomic there.
  } finally {
    await handle.close();
  }
}
