// Node entry: helpers that need the file system.
export { removeStaleTempFiles, writeFileAtomic } from './write-file-atomic';
